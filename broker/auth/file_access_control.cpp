#include "broker/auth/file_access_control.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <stdexcept>

#include "broker/protocol/reason_codes.hpp"

namespace telemq::auth {

using protocol::reason_code;
using protocol::detail::printable;

file_access_control::file_access_control(file_access_control_options options)
    : options_(std::move(options)) {
  if (options_.password_file) {
    passwords_ = password_file::load(*options_.password_file);
    warn_if_readable_by_others(*options_.password_file);
  }
  if (options_.acl_file) {
    acl_ = acl_rules::load(*options_.acl_file);
  }
}

std::optional<reason_code> file_access_control::authenticate(
    const core::connection_info& connection, std::string_view client_id,
    const std::optional<std::string>& username, const std::optional<std::string>& password) {
  if (!connection.certificate_username.empty()) {
    if (username && *username != connection.certificate_username) {
      return refuse(reason_code::not_authorized, connection, client_id, *username,
                    fmt::format("username differs from the certificate's name '{}'",
                                printable(connection.certificate_username)));
    }
    return std::nullopt;
  }
  if (!username) {
    if (!connection.allow_anonymous) {
      return refuse(reason_code::not_authorized, connection, client_id, {},
                    "anonymous clients are not allowed on this listener");
    }
    return std::nullopt;
  }
  if (!passwords_) {
    if (!connection.allow_anonymous) {
      return refuse(reason_code::not_authorized, connection, client_id, *username,
                    "no password file to check the username against, and anonymous clients "
                    "are not allowed on this listener");
    }
    return std::nullopt;
  }
  // One derivation whatever the outcome, so the time of a refusal does not tell an attacker
  // which user names exist.
  const bool matches = passwords_->verify(*username, password.value_or(""));
  if (!passwords_->contains(*username)) {
    return refuse(reason_code::bad_user_name_or_password, connection, client_id, *username,
                  "unknown user");
  }
  if (!password) {
    return refuse(reason_code::bad_user_name_or_password, connection, client_id, *username,
                  "no password");
  }
  if (!matches) {
    return refuse(reason_code::bad_user_name_or_password, connection, client_id, *username,
                  "wrong password");
  }
  return std::nullopt;
}

bool file_access_control::allowed(core::client_view client, std::string_view topic_or_filter,
                                  core::access kind) {
  return !acl_ || acl_->allowed(client, topic_or_filter, kind);
}

std::vector<std::string> file_access_control::reload() {
  std::vector<std::string> problems;
  if (options_.password_file) {
    try {
      passwords_ = password_file::load(*options_.password_file);
      warn_if_readable_by_others(*options_.password_file);
      log(core::log_level::info,
          fmt::format("event=password_file_reloaded file=\"{}\" users={}",
                      options_.password_file->string(), passwords_->users().size()));
    } catch (const std::exception& e) {
      problems.push_back(
          fmt::format("password file not reloaded, previous users kept: {}", e.what()));
    }
  }
  if (options_.acl_file) {
    try {
      acl_ = acl_rules::load(*options_.acl_file);
      log(core::log_level::info,
          fmt::format("event=acl_file_reloaded file=\"{}\"", options_.acl_file->string()));
    } catch (const std::exception& e) {
      problems.push_back(fmt::format("ACL file not reloaded, previous rules kept: {}", e.what()));
    }
  }
  for (const auto& problem : problems) {
    log(core::log_level::error, fmt::format("event=auth_reload_failed reason=\"{}\"", problem));
  }
  return problems;
}

void file_access_control::log(core::log_level level, const std::string& line) const {
  if (options_.log) {
    options_.log(level, line);
  }
}

std::optional<reason_code> file_access_control::refuse(reason_code code,
                                                       const core::connection_info& connection,
                                                       std::string_view client_id,
                                                       std::string_view username,
                                                       std::string_view why) const {
  // Client-chosen strings are made printable: a line break in a username must not forge a line.
  log(core::log_level::warn,
      fmt::format("event=authentication_refused client_id=\"{}\" address={} listener={} "
                  "username=\"{}\" reason=\"{}\"",
                  printable(client_id), connection.remote_address, connection.listener,
                  printable(username), why));
  return code;
}

void file_access_control::warn_if_readable_by_others(const std::filesystem::path& path) const {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && (info.st_mode & S_IROTH) != 0) {
    log(core::log_level::warn,
        fmt::format("event=password_file_readable_by_others file=\"{}\" hint=\"chmod 600 it\"",
                    path.string()));
  }
}

}  // namespace telemq::auth
