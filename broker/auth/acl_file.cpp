#include "broker/auth/acl_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "broker/protocol/topic.hpp"

namespace telemq::auth {
namespace {

constexpr std::string_view blanks = " \t\r";

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

// A name that could stand for more than one topic level, or for a wildcard, once substituted.
bool unsafe_in_pattern(std::string_view name) {
  return name.find_first_of("+#/") != std::string_view::npos;
}

}  // namespace

acl_rules acl_rules::parse(std::string_view text) {
  return parse_from(text, {});
}

acl_rules acl_rules::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error(
        fmt::format("cannot read ACL file '{}': {}", path.string(), std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_from(text.str(), path.string());
}

acl_rules acl_rules::parse_from(std::string_view text, std::string_view source) {
  acl_rules rules;
  std::vector<rule>* topic_rules = &rules.anonymous_;
  std::size_t number = 0;
  const auto fail = [&](std::string_view why) {
    throw std::runtime_error(source.empty() ? fmt::format("line {}: {}", number, why)
                                            : fmt::format("{}:{}: {}", source, number, why));
  };
  while (!text.empty()) {
    ++number;
    const auto end = text.find('\n');
    std::string_view line = trim(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.starts_with('#')) {
      continue;
    }
    const std::string_view keyword = next_word(line);
    if (keyword == "user") {
      if (line.empty()) {
        fail("'user' needs a user name");
      }
      topic_rules = &rules.by_user_[std::string(line)];
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
    rule r;
    std::string_view filter = line;
    if (line.empty()) {
      filter = first;
      r.grants = static_cast<unsigned char>(core::access::read) |
                 static_cast<unsigned char>(core::access::write);
    } else if (first == "read") {
      r.grants = static_cast<unsigned char>(core::access::read);
    } else if (first == "write") {
      r.grants = static_cast<unsigned char>(core::access::write);
    } else if (first == "readwrite") {
      r.grants = static_cast<unsigned char>(core::access::read) |
                 static_cast<unsigned char>(core::access::write);
    } else if (first != "deny") {
      fail(fmt::format("'{}' is not an access type (read, write, readwrite or deny)", first));
    }
    if (auto invalid = protocol::validate_topic_filter(filter)) {
      fail(fmt::format("invalid topic filter: {}", invalid->message));
    }
    for (std::string_view rest = filter;;) {
      const auto slash = rest.find('/');
      const std::string_view text_level = rest.substr(0, slash);
      level l;
      if (text_level == "+") {
        l.kind = level_kind::plus;
      } else if (text_level == "#") {
        l.kind = level_kind::hash;
      } else if (pattern && text_level == "%c") {
        l.kind = level_kind::client_id;
        r.uses_client_id = true;
      } else if (pattern && text_level == "%u") {
        l.kind = level_kind::username;
        r.uses_username = true;
      } else if (pattern && (text_level.find("%c") != std::string_view::npos ||
                             text_level.find("%u") != std::string_view::npos)) {
        fail(fmt::format("'{}': %c and %u must be a whole topic level, as in devices/%c/#",
                         text_level));
      } else {
        l.text = text_level;
      }
      r.levels.push_back(std::move(l));
      if (slash == std::string_view::npos) {
        break;
      }
      rest.remove_prefix(slash + 1);
    }
    (pattern ? rules.patterns_ : *topic_rules).push_back(std::move(r));
  }
  return rules;
}

bool acl_rules::covers(const rule& r, const core::client_identity& client,
                       std::string_view filter) {
  if (filter.starts_with('$') &&
      (r.levels.front().kind == level_kind::plus || r.levels.front().kind == level_kind::hash)) {
    return false;
  }
  std::size_t i = 0;
  bool more = true;  // even "" is one (empty) level
  while (true) {
    if (i < r.levels.size() && r.levels[i].kind == level_kind::hash) {
      return true;  // "a/#" covers "a" and everything below it
    }
    if (!more) {
      return i == r.levels.size();
    }
    const auto slash = filter.find('/');
    const std::string_view wanted = filter.substr(0, slash);
    more = slash != std::string_view::npos;
    filter.remove_prefix(more ? slash + 1 : filter.size());
    // Only a rule's '#' covers the filter's '#', and that case returned above.
    if (i == r.levels.size() || wanted == "#") {
      return false;
    }
    const level& l = r.levels[i++];
    switch (l.kind) {
      case level_kind::plus:
        break;
      case level_kind::literal:
        if (wanted != l.text) {
          return false;
        }
        break;
      case level_kind::client_id:
        if (wanted != client.client_id) {
          return false;
        }
        break;
      case level_kind::username:
        if (wanted != client.username) {
          return false;
        }
        break;
      case level_kind::hash:
        return true;
    }
  }
}

bool acl_rules::allowed(const core::client_identity& client, std::string_view topic_or_filter,
                        core::access kind) const {
  if (kind == core::access::read) {
    if (const auto shared = protocol::parse_shared_filter(topic_or_filter)) {
      topic_or_filter = shared->filter;
    }
  }
  const bool anonymous = client.username.empty();
  const std::vector<rule>* own = &anonymous_;
  if (!anonymous) {
    const auto it = by_user_.find(client.username);
    own = it == by_user_.end() ? nullptr : &it->second;
  }
  const bool unsafe_id = unsafe_in_pattern(client.client_id);
  const bool unsafe_user = !anonymous && unsafe_in_pattern(client.username);
  // A pattern with a name it cannot safely hold matches everything when it denies and nothing
  // when it grants.
  const auto pattern_matches = [&](const rule& r) {
    if (r.uses_username && anonymous) {
      return false;
    }
    if ((r.uses_client_id && unsafe_id) || (r.uses_username && unsafe_user)) {
      return r.grants == 0;
    }
    return covers(r, client, topic_or_filter);
  };

  if (own != nullptr) {
    for (const rule& r : *own) {
      if (r.grants == 0 && covers(r, client, topic_or_filter)) {
        return false;
      }
    }
  }
  for (const rule& r : patterns_) {
    if (r.grants == 0 && pattern_matches(r)) {
      return false;
    }
  }
  const auto wanted = static_cast<unsigned char>(kind);
  if (own != nullptr) {
    for (const rule& r : *own) {
      if ((r.grants & wanted) != 0 && covers(r, client, topic_or_filter)) {
        return true;
      }
    }
  }
  for (const rule& r : patterns_) {
    if ((r.grants & wanted) != 0 && pattern_matches(r)) {
      return true;
    }
  }
  return false;
}

}  // namespace telemq::auth
