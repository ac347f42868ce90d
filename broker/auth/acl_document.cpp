#include "broker/auth/acl_document.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "broker/auth/atomic_file.hpp"
#include "broker/protocol/topic.hpp"

namespace telemq::auth {
namespace {

constexpr std::string_view blanks = " \t\r";
constexpr std::size_t max_user_length = 65535;  // an MQTT string

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

// Splits off the first word; `text` keeps what follows it, trimmed.
std::string_view next_word(std::string_view& text) {
  const auto end = text.find_first_of(blanks);
  const std::string_view word = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view{} : trim(text.substr(end));
  return word;
}

bool has_control_character(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

// Why a filter read from a file (or given to the API) cannot be a rule, or nothing.
std::optional<std::string> filter_problem(std::string_view filter, bool pattern) {
  if (auto invalid = protocol::validate_topic_filter(filter)) {
    return fmt::format("invalid topic filter: {}", invalid->message);
  }
  if (!pattern) {
    return std::nullopt;
  }
  for (std::string_view rest = filter;;) {
    const auto slash = rest.find('/');
    const std::string_view level = rest.substr(0, slash);
    if (level != "%c" && level != "%u" &&
        (level.find("%c") != std::string_view::npos ||
         level.find("%u") != std::string_view::npos)) {
      return fmt::format("'{}': %c and %u must be a whole topic level, as in devices/%c/#", level);
    }
    if (slash == std::string_view::npos) {
      return std::nullopt;
    }
    rest.remove_prefix(slash + 1);
  }
}

// Why a name or a filter cannot be written on a line as it is: the reader trims lines and
// splits the file on line breaks.
std::optional<std::string> unwritable(std::string_view what, std::string_view text) {
  if (text.empty()) {
    return fmt::format("the {} is empty", what);
  }
  if (trim(text).size() != text.size()) {
    return fmt::format("the {} starts or ends with a blank", what);
  }
  if (has_control_character(text)) {
    return fmt::format("the {} contains a control character", what);
  }
  if (!protocol::is_valid_mqtt_utf8(text)) {
    return fmt::format("the {} is not valid UTF-8", what);
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(acl_scope scope) {
  switch (scope) {
    case acl_scope::anonymous:
      return "anonymous";
    case acl_scope::user:
      return "user";
    case acl_scope::pattern:
      return "pattern";
  }
  return "?";
}

std::string_view to_string(acl_access access) {
  switch (access) {
    case acl_access::read:
      return "read";
    case acl_access::write:
      return "write";
    case acl_access::readwrite:
      return "readwrite";
    case acl_access::deny:
      return "deny";
  }
  return "?";
}

std::optional<acl_scope> parse_acl_scope(std::string_view text) {
  for (const auto scope : {acl_scope::anonymous, acl_scope::user, acl_scope::pattern}) {
    if (text == to_string(scope)) {
      return scope;
    }
  }
  return std::nullopt;
}

std::optional<acl_access> parse_acl_access(std::string_view text) {
  for (const auto access :
       {acl_access::read, acl_access::write, acl_access::readwrite, acl_access::deny}) {
    if (text == to_string(access)) {
      return access;
    }
  }
  return std::nullopt;
}

std::optional<std::string> invalid_acl_entry(const acl_entry& entry) {
  if (entry.scope == acl_scope::user) {
    if (auto why = unwritable("user name", entry.user)) {
      return why;
    }
    if (entry.user.size() > max_user_length) {
      return "the user name is longer than 65535 bytes";
    }
  } else if (!entry.user.empty()) {
    return fmt::format("a user name goes with scope user only, not {}", to_string(entry.scope));
  }
  if (auto why = unwritable("topic filter", entry.filter)) {
    return why;
  }
  return filter_problem(entry.filter, entry.scope == acl_scope::pattern);
}

acl_document acl_document::parse(std::string_view text, std::string_view source) {
  acl_document document;
  document.final_newline_ = text.empty() || text.back() == '\n';
  while (!text.empty()) {
    const auto end = text.find('\n');
    document.lines_.emplace_back(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  document.reparse(source);
  return document;
}

acl_document acl_document::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) {
    text << in.rdbuf();
  }
  if (!in) {
    throw std::runtime_error(
        fmt::format("cannot read ACL file '{}': {}", path.string(), std::strerror(errno)));
  }
  return parse(text.str(), path.string());
}

void acl_document::reparse(std::string_view source) {
  lines_info_.clear();
  entries_.clear();
  std::optional<std::string> section_user;  // nothing before the first "user" line
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    const std::size_t number = i + 1;
    const auto fail = [&](std::string_view why) {
      throw acl_syntax_error(source.empty() ? fmt::format("line {}: {}", number, why)
                                            : fmt::format("{}:{}: {}", source, number, why));
    };
    line_info info;
    std::string_view line = trim(lines_[i]);
    if (line.empty() || line.starts_with('#')) {
      info.kind = line.empty() ? line_kind::blank : line_kind::comment;
      lines_info_.push_back(std::move(info));
      continue;
    }
    const std::string_view keyword = next_word(line);
    if (keyword == "user") {
      if (line.empty()) {
        fail("'user' needs a user name");
      }
      info.kind = line_kind::user;
      info.entry.user = line;
      section_user = std::string(line);
      lines_info_.push_back(std::move(info));
      continue;
    }
    if (keyword != "topic" && keyword != "pattern") {
      fail(fmt::format("unknown keyword '{}' (expected topic, user or pattern)", keyword));
    }
    const bool pattern = keyword == "pattern";
    if (line.empty()) {
      fail(fmt::format("'{}' needs a topic filter", keyword));
    }
    // Like Mosquitto: the access word is optional only when the filter is the one word left.
    const std::string_view first = next_word(line);
    acl_entry& entry = info.entry;
    if (line.empty()) {
      entry.access = acl_access::readwrite;
      entry.filter = first;
    } else if (const auto access = parse_acl_access(first)) {
      entry.access = *access;
      entry.filter = line;
    } else {
      fail(fmt::format("'{}' is not an access type (read, write, readwrite or deny)", first));
    }
    if (auto why = filter_problem(entry.filter, pattern)) {
      fail(*why);
    }
    if (pattern) {
      entry.scope = acl_scope::pattern;
    } else if (section_user) {
      entry.scope = acl_scope::user;
      entry.user = *section_user;
    }
    info.kind = line_kind::rule;
    entries_.push_back({entry, number});
    lines_info_.push_back(std::move(info));
  }
}

bool acl_document::is(std::size_t index, line_kind kind) const {
  return index < lines_info_.size() && lines_info_[index].kind == kind;
}

bool acl_document::is_rule_of(std::size_t index, acl_scope scope) const {
  return is(index, line_kind::rule) && lines_info_[index].entry.scope == scope;
}

std::size_t acl_document::section_end(std::size_t user_line) const {
  std::size_t end = user_line + 1;
  while (end < lines_.size() && !is(end, line_kind::user)) {
    ++end;
  }
  return end;
}

std::optional<std::size_t> acl_document::find(const acl_entry& entry) const {
  const auto it = std::find_if(entries_.begin(), entries_.end(),
                               [&](const located_entry& e) { return e.entry == entry; });
  if (it == entries_.end()) {
    return std::nullopt;
  }
  return it->line;
}

void acl_document::insert(std::size_t at, std::vector<std::string> lines) {
  if (at == lines_.size()) {
    final_newline_ = true;
  }
  // A file written with Windows line endings keeps them.
  if (!lines_.empty() && lines_.front().ends_with('\r')) {
    for (auto& line : lines) {
      line += '\r';
    }
  }
  lines_.insert(lines_.begin() + static_cast<std::ptrdiff_t>(at),
                std::make_move_iterator(lines.begin()), std::make_move_iterator(lines.end()));
  reparse({});
}

void acl_document::append_block(std::vector<std::string> lines) {
  if (!lines_.empty() && !is(lines_.size() - 1, line_kind::blank)) {
    lines.insert(lines.begin(), std::string());
  }
  insert(lines_.size(), std::move(lines));
}

void acl_document::add(const acl_entry& entry) {
  if (auto why = invalid_acl_entry(entry)) {
    throw std::invalid_argument(*why);
  }
  std::string line =
      fmt::format("{} {} {}", entry.scope == acl_scope::pattern ? "pattern" : "topic",
                  to_string(entry.access), entry.filter);
  // Just after the last line of this kind; nothing when there is none.
  const auto after_last = [&](auto matches) -> std::optional<std::size_t> {
    for (std::size_t i = lines_.size(); i > 0; --i) {
      if (matches(i - 1)) {
        return i;
      }
    }
    return std::nullopt;
  };
  switch (entry.scope) {
    case acl_scope::user: {
      const auto section = after_last([&](std::size_t i) {
        return is(i, line_kind::user) && lines_info_[i].entry.user == entry.user;
      });
      if (!section) {
        append_block({"user " + entry.user, std::move(line)});
        return;
      }
      std::size_t at = *section;
      for (std::size_t i = at; i < section_end(*section - 1); ++i) {
        if (is_rule_of(i, acl_scope::user)) {
          at = i + 1;
        }
      }
      insert(at, {std::move(line)});
      return;
    }
    case acl_scope::anonymous: {
      if (const auto at =
              after_last([&](std::size_t i) { return is_rule_of(i, acl_scope::anonymous); })) {
        insert(*at, {std::move(line)});
        return;
      }
      std::size_t at = 0;
      while (at < lines_.size() && !is(at, line_kind::user)) {
        ++at;
      }
      if (at == lines_.size()) {
        append_block({std::move(line)});
        return;
      }
      // Above the comments that introduce the first user, and apart from them.
      while (at > 0 && is(at - 1, line_kind::comment)) {
        --at;
      }
      std::vector<std::string> lines = {std::move(line)};
      if (at == 0 || is(at - 1, line_kind::blank)) {
        lines.emplace_back();
      }
      insert(at, std::move(lines));
      return;
    }
    case acl_scope::pattern: {
      if (const auto at =
              after_last([&](std::size_t i) { return is_rule_of(i, acl_scope::pattern); })) {
        insert(*at, {std::move(line)});
      } else {
        append_block({std::move(line)});
      }
      return;
    }
  }
}

std::size_t acl_document::remove(const acl_entry& entry) {
  const std::size_t size = lines_.size();
  std::vector<bool> gone(size, false);
  std::vector<std::size_t> sections;  // the "user" lines of the sections that lost a rule
  std::size_t removed = 0;
  std::optional<std::size_t> section;
  for (std::size_t i = 0; i < size; ++i) {
    if (is(i, line_kind::user)) {
      section = i;
    } else if (is(i, line_kind::rule) && lines_info_[i].entry == entry) {
      gone[i] = true;
      ++removed;
      if (entry.scope == acl_scope::user && section &&
          (sections.empty() || sections.back() != *section)) {
        sections.push_back(*section);
      }
    }
  }
  if (removed == 0) {
    return 0;
  }
  // A "user" line left without rules goes too, unless a comment stands right above it or in the
  // lines under it: the operator wrote something about that user. Only blank, comment and
  // pattern lines can follow it, so no rule changes hands.
  for (const std::size_t user_line : sections) {
    bool keep = user_line > 0 && is(user_line - 1, line_kind::comment);
    for (std::size_t i = user_line + 1; i < size && !is(i, line_kind::user); ++i) {
      keep = keep || (!gone[i] && is_rule_of(i, acl_scope::user));
    }
    for (std::size_t i = user_line + 1;
         i < size && !is(i, line_kind::blank) && !is(i, line_kind::user); ++i) {
      keep = keep || is(i, line_kind::comment);
    }
    gone[user_line] = !keep;
  }
  // A removed block that stood between blank lines (or the start of the file and a blank line)
  // takes one of them along; one at the end of the file takes the blank line before it.
  const std::vector<bool> removed_lines = gone;
  for (std::size_t first = 0; first < size;) {
    if (!removed_lines[first]) {
      ++first;
      continue;
    }
    std::size_t end = first;
    while (end < size && removed_lines[end]) {
      ++end;
    }
    const bool blank_before = first > 0 && is(first - 1, line_kind::blank);
    if ((first == 0 || blank_before) && end < size && is(end, line_kind::blank)) {
      gone[end] = true;
    } else if (end == size && blank_before) {
      gone[first - 1] = true;
    }
    first = end;
  }
  std::vector<std::string> kept;
  kept.reserve(size);
  for (std::size_t i = 0; i < size; ++i) {
    if (!gone[i]) {
      kept.push_back(std::move(lines_[i]));
    }
  }
  lines_ = std::move(kept);
  reparse({});
  return removed;
}

std::string acl_document::text() const {
  std::string out;
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    out += lines_[i];
    if (i + 1 < lines_.size() || final_newline_) {
      out += '\n';
    }
  }
  return out;
}

void acl_document::save(const std::filesystem::path& path) const {
  write_file_atomically(path, text(), file_mode::keep_existing);
}

}  // namespace telemq::auth
