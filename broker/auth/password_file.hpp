#pragma once
// Users and their password hashes in Mosquitto's password file format, so files made with
// mosquitto_passwd work unchanged:  user:$7$ITERATIONS$SALT_BASE64$HASH_BASE64  (PBKDF2-SHA512).
// Also reads $6$ (salted SHA-512) lines that older mosquitto_passwd versions wrote.
// Blank lines and lines starting with '#' are skipped when reading and not written back.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "broker/auth/password_hash.hpp"

namespace telemq::auth {

class password_file {
 public:
  // Parses the file's text; throws std::runtime_error naming the line and what is wrong.
  static password_file parse(std::string_view text);
  // Reads and parses a file; throws std::runtime_error with the path and the reason.
  static password_file load(const std::filesystem::path& path);

  // Constant-time comparison of the derived hash.
  bool verify(std::string_view user, std::string_view password) const;
  bool contains(std::string_view user) const;
  std::vector<std::string> users() const;

  // Adds the user or replaces the password, hashing with a fresh random salt. Throws
  // std::invalid_argument for a name the file cannot hold (empty, ':', control characters) or
  // a password with a NUL byte.
  void set_password(std::string_view user, std::string_view password);
  bool remove(std::string_view user);

  std::string serialize() const;
  // Writes atomically: a temporary file in the same folder (mode 0600), fsync, rename.
  void save(const std::filesystem::path& path) const;

 private:
  static password_file parse_from(std::string_view text, std::string_view source);

  std::map<std::string, password_hash, std::less<>> entries_;
};

}  // namespace telemq::auth
