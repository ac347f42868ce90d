#pragma once
// The broker's access control from a Mosquitto-style password file and ACL file, either optional.
//   - A client presenting a verified TLS certificate whose name the listener uses as the username
//     (connection_info::certificate_username) is admitted without a password. A CONNECT that
//     names a different username is refused: the certificate is the identity.
//   - A client without a username is anonymous: admitted when the listener allows anonymous
//     clients.
//   - A username is checked against the password file: unknown users and wrong passwords are
//     refused with Bad User Name or Password. Without a password file there is nothing to check
//     it against, so it is admitted only where anonymous clients are (as Mosquitto does).
//   - Without an ACL file every admitted client may publish and subscribe to everything.
// Not thread-safe: like the core, it is used on the broker thread only; reload() included.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/auth/acl_file.hpp"
#include "broker/auth/password_file.hpp"
#include "broker/core/access_control.hpp"
#include "broker/core/log.hpp"

namespace telemq::auth {

struct file_access_control_options {
  std::optional<std::filesystem::path> password_file;
  std::optional<std::filesystem::path> acl_file;
  core::log_sink log;  // may be empty
};

class file_access_control final : public core::access_control {
 public:
  // Loads both files; throws std::runtime_error naming the file, the line and the problem, so a
  // broker with a broken file refuses to start rather than run open or closed by surprise.
  explicit file_access_control(file_access_control_options options);

  std::optional<protocol::reason_code> authenticate(
      const core::connection_info& connection, std::string_view client_id,
      const std::optional<std::string>& username,
      const std::optional<std::string>& password) override;

  bool allowed(core::client_view client, std::string_view topic_or_filter,
               core::access kind) override;

  // Re-reads both files (on SIGHUP, or after the admin API changed users or ACL rules). A file that
  // cannot be read or parsed leaves its previous contents in force; the returned lines say why
  // (empty when everything was reloaded), and each was logged. Connected clients stay connected;
  // their next publish, subscribe and delivery are checked against the new rules.
  std::vector<std::string> reload();

 private:
  void log(core::log_level level, const std::string& line) const;
  std::optional<protocol::reason_code> refuse(protocol::reason_code code,
                                              const core::connection_info& connection,
                                              std::string_view client_id, std::string_view username,
                                              std::string_view why) const;
  void warn_if_readable_by_others(const std::filesystem::path& path) const;

  file_access_control_options options_;
  std::optional<password_file> passwords_;
  std::optional<acl_rules> acl_;
};

}  // namespace telemq::auth
