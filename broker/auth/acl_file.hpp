#pragma once
// Access control lists in Mosquitto's acl_file syntax:
//   topic [read|write|readwrite|deny] FILTER      rules for anonymous clients (before any user
//   line) user NAME                                    the topic lines after it apply to NAME
//   pattern [read|write|readwrite|deny] FILTER   for every client; %c is the client id, %u the
//   username
// A client may do what some matching rule grants and no matching deny rule forbids.
//
// Details that matter for safety (docs/security.md has examples):
// - %c and %u are substituted only where they are a whole topic level ("devices/%c/#"); a level
//   that mixes them with other text is refused when the file is read.
// - A pattern using %u does not apply to anonymous clients. A client id or username containing
//   '+', '#' or '/' never satisfies a pattern that uses it, and a deny pattern that uses it
//   denies such a client everything, so an odd name can neither widen nor escape a rule.
// - A rule starting with a wildcard does not match topics starting with '$' [MQTT-4.7.2-1].
// - A subscription is granted when a read rule covers the whole filter ("a/#" covers "a/b/+",
//   "a/+" does not cover "a/#") and no deny rule covers it; deny rules that cover only part of
//   it are enforced on each delivery. $share/GROUP/ is ignored: the rules apply to the filter.
#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "broker/auth/acl_document.hpp"
#include "broker/core/access_control.hpp"

namespace telemq::auth {

class acl_rules {
 public:
  // Throws acl_syntax_error (a std::runtime_error) naming the line and what is wrong.
  static acl_rules parse(std::string_view text);
  // Also throws std::runtime_error when the file cannot be read.
  static acl_rules load(const std::filesystem::path& path);
  explicit acl_rules(const acl_document& document);

  // For PUBLISH the topic is a topic name; for SUBSCRIBE the filter requested, which must be
  // covered by a read rule.
  bool allowed(core::client_view client, std::string_view topic_or_filter, core::access kind) const;

 private:
  enum class level_kind : unsigned char { literal, plus, hash, client_id, username };
  struct level {
    level_kind kind = level_kind::literal;
    std::string text;  // literal levels only
  };
  struct rule {
    std::vector<level> levels;
    unsigned char grants = 0;  // core::access bits; 0 for a deny rule
    bool uses_client_id = false;
    bool uses_username = false;
  };

  static bool covers(const rule& r, core::client_view client, std::string_view filter);

  std::vector<rule> anonymous_;
  std::map<std::string, std::vector<rule>, std::less<>> by_user_;
  std::vector<rule> patterns_;
};

}  // namespace telemq::auth
