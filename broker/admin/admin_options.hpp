#pragma once
// What the configuration says about the admin API and $SYS ([admin] in the TOML file,
// docs/configuration.md). No Asio or Beast here: the server's configuration code includes it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace telemq::admin {

struct admin_address {
  std::string host = "127.0.0.1";  // IP literal, IPv6 without brackets
  std::uint16_t port = 8081;       // 0 picks a free port

  bool operator==(const admin_address&) const = default;
};

struct admin_options {
  bool enabled = true;
  admin_address listen;
  // Prometheus usually scrapes without credentials; the API itself always needs the token.
  bool metrics_without_token = false;
  // How often $SYS topics are published; 0 disables them.
  std::chrono::seconds sys_interval{10};
  // Topics followed for GET /api/v1/topics/top; 0 turns the per-message tap off.
  std::size_t top_topics = 1000;

  bool operator==(const admin_options&) const = default;
};

// "http://127.0.0.1:8081", "127.0.0.1:8081", "http://[::1]:8081". Only IP literals: the admin
// listener binds one address. Throws std::invalid_argument with a sentence naming the problem.
admin_address parse_admin_address(std::string_view text);

// The form parse_admin_address reads back: "http://127.0.0.1:8081".
std::string to_string(const admin_address& address);

}  // namespace telemq::admin
