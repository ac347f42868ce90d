#include "broker/auth/password_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "broker/auth/atomic_file.hpp"

namespace telemq::auth {
namespace {

constexpr std::size_t max_user_length = 65535;  // an MQTT string

std::string_view trim_end(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
    line.remove_suffix(1);
  }
  return line;
}

// Why a user name cannot be stored in the file, or nothing when it can.
const char* invalid_user(std::string_view user) {
  if (user.empty()) {
    return "the user name is empty";
  }
  if (user.size() > max_user_length) {
    return "the user name is longer than 65535 bytes";
  }
  for (const char c : user) {
    if (c == ':') {
      return "the user name contains ':', which separates it from the hash";
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return "the user name contains a control character";
    }
  }
  return nullptr;
}

// Stands in for a missing user so that a refusal takes as long as a wrong password and the
// time of an answer does not tell which user names exist.
const password_hash& decoy() {
  static const password_hash hash = password_hash::create("decoy");
  return hash;
}

std::string system_error(std::string_view what, const std::filesystem::path& path) {
  return fmt::format("cannot {} '{}': {}", what, path.string(), std::strerror(errno));
}

}  // namespace

password_file password_file::parse(std::string_view text) {
  return parse_from(text, {});
}

password_file password_file::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error(system_error("read password file", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw std::runtime_error(system_error("read password file", path));
  }
  return parse_from(text.str(), path.string());
}

password_file password_file::parse_from(std::string_view text, std::string_view source) {
  password_file file;
  std::map<std::string_view, std::size_t> first_seen;
  std::size_t number = 0;
  const auto fail = [&](std::string_view why) {
    throw std::runtime_error(source.empty() ? fmt::format("line {}: {}", number, why)
                                            : fmt::format("{}:{}: {}", source, number, why));
  };
  while (!text.empty()) {
    ++number;
    const auto end = text.find('\n');
    const std::string_view line = trim_end(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.empty() || line.starts_with('#')) {
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      fail("expected USER:HASH");
    }
    const std::string_view user = line.substr(0, colon);
    if (const char* why = invalid_user(user)) {
      fail(why);
    }
    if (const auto seen = first_seen.find(user); seen != first_seen.end()) {
      fail(fmt::format("user '{}' is already defined on line {}", user, seen->second));
    }
    first_seen.emplace(user, number);
    try {
      file.entries_.emplace(std::string(user), password_hash::parse(line.substr(colon + 1)));
    } catch (const std::invalid_argument& e) {
      fail(fmt::format("user '{}': {}", user, e.what()));
    }
  }
  return file;
}

bool password_file::verify(std::string_view user, std::string_view password) const {
  const auto it = entries_.find(user);
  if (it == entries_.end()) {
    decoy().verify(password);
    return false;
  }
  return it->second.verify(password);
}

bool password_file::contains(std::string_view user) const {
  return entries_.contains(user);
}

std::vector<std::string> password_file::users() const {
  std::vector<std::string> names;
  names.reserve(entries_.size());
  for (const auto& [user, hash] : entries_) {
    names.push_back(user);
  }
  return names;
}

void password_file::set_password(std::string_view user, std::string_view password) {
  if (const char* why = invalid_user(user)) {
    throw std::invalid_argument(why);
  }
  entries_.insert_or_assign(std::string(user), password_hash::create(password));
}

bool password_file::remove(std::string_view user) {
  const auto it = entries_.find(user);
  if (it == entries_.end()) {
    return false;
  }
  entries_.erase(it);
  return true;
}

std::string password_file::serialize() const {
  std::string text;
  for (const auto& [user, hash] : entries_) {
    text += user;
    text += ':';
    text += hash.format();
    text += '\n';
  }
  return text;
}

void password_file::save(const std::filesystem::path& path) const {
  write_file_atomically(path, serialize(), file_mode::owner_only);
}

}  // namespace telemq::auth
