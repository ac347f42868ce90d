#pragma once
// An ACL file as its lines (Mosquitto's acl_file syntax, see acl_file.hpp): what acl_rules is
// compiled from, and what the admin API edits. Adding and removing a rule changes only the lines
// concerned; comments, blank lines, the order of the other rules and their spelling ("topic x"
// stays "topic x") are kept, so an operator's file stays theirs.
//
// Where a rule goes:
//   - a rule for a user: after the last topic line of that user's last section, or in a new
//     section ("user NAME" and the rule) at the end of the file, after a blank line;
//   - a rule for anonymous clients: after the last anonymous topic line, or else before the
//     first "user" line (above the comment lines written right over it);
//   - a pattern: after the last pattern line, or else at the end of the file.
// Removing a rule removes every line that grants the same access to the same filter in that
// scope ("topic x" and "topic readwrite x" are the same rule); a "user" line left without rules
// goes with it unless a comment is written right above or under it, and so does a blank line
// the removal would leave doubled. Comments are never removed. Adding a rule and removing it
// gives the file back as it was.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace telemq::auth {

// Who a rule applies to: anonymous clients ("topic" lines before any "user" line), one user
// ("topic" lines after "user NAME"), or every client ("pattern" lines, with %c and %u).
enum class acl_scope : unsigned char { anonymous, user, pattern };
enum class acl_access : unsigned char { read, write, readwrite, deny };

std::string_view to_string(acl_scope scope);
std::string_view to_string(acl_access access);
std::optional<acl_scope> parse_acl_scope(std::string_view text);
std::optional<acl_access> parse_acl_access(std::string_view text);

struct acl_entry {
  acl_scope scope = acl_scope::anonymous;
  std::string user;  // scope user only
  acl_access access = acl_access::readwrite;
  std::string filter;

  bool operator==(const acl_entry&) const = default;
};

// Why an entry cannot be written to a file as given, or nothing when it can: a user name that
// is empty, has blanks at either end or a control character; a filter that is not a valid MQTT
// topic filter, has blanks at either end or a control character; %c or %u inside a longer level
// of a pattern; a user name on a scope other than user.
std::optional<std::string> invalid_acl_entry(const acl_entry& entry);

// A file that does not follow the syntax; what() names the line ("acl:3: ...").
class acl_syntax_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class acl_document {
 public:
  struct located_entry {
    acl_entry entry;
    std::size_t line = 0;  // 1-based
  };

  // Throws acl_syntax_error naming the line (prefixed by source when not empty).
  static acl_document parse(std::string_view text, std::string_view source = {});
  // Throws std::runtime_error when the file cannot be read, acl_syntax_error when it does not
  // parse.
  static acl_document load(const std::filesystem::path& path);

  // Every rule, in the order of the file.
  const std::vector<located_entry>& entries() const { return entries_; }
  // The line of the first rule equal to entry; nothing when there is none.
  std::optional<std::size_t> find(const acl_entry& entry) const;

  // Adds the rule (even when an equal one exists: check find() first). Throws
  // std::invalid_argument with invalid_acl_entry()'s reason.
  void add(const acl_entry& entry);
  // Removes every rule equal to entry; how many lines of rules were removed.
  std::size_t remove(const acl_entry& entry);

  std::string text() const;
  // Writes atomically (temporary file, fsync, rename), keeping the file's permissions.
  void save(const std::filesystem::path& path) const;

 private:
  enum class line_kind : unsigned char { blank, comment, user, rule };
  struct line_info {
    line_kind kind = line_kind::blank;
    // Rule lines: the rule. User lines: the name, in user.
    acl_entry entry;
  };

  bool is(std::size_t index, line_kind kind) const;
  bool is_rule_of(std::size_t index, acl_scope scope) const;
  // The index after the last line of the section the "user" line at user_line starts.
  std::size_t section_end(std::size_t user_line) const;
  void insert(std::size_t at, std::vector<std::string> lines);
  // At the end of the file, after a blank line.
  void append_block(std::vector<std::string> lines);
  // Reads lines_ again into lines_info_ and entries_; throws acl_syntax_error.
  void reparse(std::string_view source);

  std::vector<std::string> lines_;  // without their '\n' (a '\r' is kept)
  bool final_newline_ = true;
  std::vector<line_info> lines_info_;  // one per line
  std::vector<located_entry> entries_;
};

}  // namespace telemq::auth
