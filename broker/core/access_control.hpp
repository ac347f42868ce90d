#pragma once
// Authentication and authorization as the core sees them. The server plugs in the password
// file and ACL file implementation; allow_all admits everyone the listener admits.
#include <optional>
#include <string>
#include <string_view>

#include "broker/core/link.hpp"
#include "broker/protocol/types.hpp"

namespace telemq::core {

// Who asks, without owning the strings: the check runs for every delivery, so it must not copy.
struct client_view {
  std::string_view client_id;
  std::string_view username;  // empty for anonymous clients
};

struct client_identity {
  std::string client_id;
  std::string username;  // empty for anonymous clients

  operator client_view() const { return {client_id, username}; }
};

enum class access : unsigned char { read = 1, write = 2 };

class access_control {
 public:
  virtual ~access_control() = default;

  // Nothing when the client may connect, else the 5.0 reason code to refuse it with
  // (bad_user_name_or_password, not_authorized).
  virtual std::optional<protocol::reason_code> authenticate(
      const connection_info& connection, std::string_view client_id,
      const std::optional<std::string>& username, const std::optional<std::string>& password) = 0;

  // Whether the client may publish to a topic (write) or receive messages of a topic (read).
  // Subscribing checks read on the filter itself.
  virtual bool allowed(client_view client, std::string_view topic_or_filter, access kind) = 0;
};

class allow_all final : public access_control {
 public:
  std::optional<protocol::reason_code> authenticate(const connection_info& connection,
                                                    std::string_view,
                                                    const std::optional<std::string>& username,
                                                    const std::optional<std::string>&) override {
    if (!connection.allow_anonymous && !username) {
      return protocol::reason_code::not_authorized;
    }
    return std::nullopt;
  }
  bool allowed(client_view, std::string_view, access) override { return true; }
};

}  // namespace telemq::core
