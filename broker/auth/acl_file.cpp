#include "broker/auth/acl_file.hpp"

#include "broker/protocol/topic.hpp"

namespace telemq::auth {
namespace {

// A name that could stand for more than one topic level, or for a wildcard, once substituted.
bool unsafe_in_pattern(std::string_view name) {
  return name.find_first_of("+#/") != std::string_view::npos;
}

}  // namespace

acl_rules acl_rules::parse(std::string_view text) {
  return acl_rules(acl_document::parse(text));
}

acl_rules acl_rules::load(const std::filesystem::path& path) {
  return acl_rules(acl_document::load(path));
}

acl_rules::acl_rules(const acl_document& document) {
  for (const auto& located : document.entries()) {
    const acl_entry& entry = located.entry;
    rule r;
    switch (entry.access) {
      case acl_access::read:
        r.grants = static_cast<unsigned char>(core::access::read);
        break;
      case acl_access::write:
        r.grants = static_cast<unsigned char>(core::access::write);
        break;
      case acl_access::readwrite:
        r.grants = static_cast<unsigned char>(core::access::read) |
                   static_cast<unsigned char>(core::access::write);
        break;
      case acl_access::deny:
        break;
    }
    // The document has checked the filter: '+' and '#' alone in their level, %c and %u too.
    const bool pattern = entry.scope == acl_scope::pattern;
    for (std::string_view rest = entry.filter;;) {
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
      } else {
        l.text = text_level;
      }
      r.levels.push_back(std::move(l));
      if (slash == std::string_view::npos) {
        break;
      }
      rest.remove_prefix(slash + 1);
    }
    switch (entry.scope) {
      case acl_scope::anonymous:
        anonymous_.push_back(std::move(r));
        break;
      case acl_scope::user:
        by_user_[entry.user].push_back(std::move(r));
        break;
      case acl_scope::pattern:
        patterns_.push_back(std::move(r));
        break;
    }
  }
}

bool acl_rules::covers(const rule& r, core::client_view client, std::string_view filter) {
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

bool acl_rules::allowed(core::client_view client, std::string_view topic_or_filter,
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
