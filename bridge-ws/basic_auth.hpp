#pragma once
// HTTP Basic credentials (RFC 7617) from an Authorization header, for the HTTP endpoints of a
// listener that refuses anonymous clients: the same users as MQTT's CONNECT.
#include <optional>
#include <string>
#include <string_view>

namespace telemq::bridge_ws {

struct basic_credentials {
  std::string username;
  std::string password;

  bool operator==(const basic_credentials&) const = default;
};

// "Basic dXNlcjpwYXNz" -> {user, pass}. The scheme is case-insensitive and the password may hold
// ':' (the first one ends the user name). Nothing when the header is another scheme or malformed.
std::optional<basic_credentials> parse_basic_auth(std::string_view header);

}  // namespace telemq::bridge_ws
