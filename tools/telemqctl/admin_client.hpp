#pragma once
// The admin API as telemqctl calls it. Where the broker is and the token come from, first found
// wins: --url / --token, then TELEMQ_URL / TELEMQ_TOKEN, then http://127.0.0.1:8081 and the
// token file DATA_DIR/admin.token (--data-dir, default ./data).
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "http_client.hpp"

namespace telemq::ctl {

struct admin_settings {
  std::string url;
  std::string token;
  std::string data_dir = "./data";
  double timeout_seconds = 10;
};

class admin_client {
 public:
  // Throws ctl_error: usage for a bad URL, unreachable when no token can be found.
  explicit admin_client(const admin_settings& settings);

  // The JSON answer of a successful request. Throws ctl_error: unreachable when the broker
  // cannot be reached or refuses the token, failed with the broker's error otherwise.
  nlohmann::json call(std::string_view method, std::string_view target,
                      const std::optional<nlohmann::json>& body = std::nullopt) const;
  nlohmann::json get(std::string_view target) const { return call("GET", target); }

 private:
  http_url url_;
  std::string token_;
  std::chrono::milliseconds timeout_;
};

// "/api/v1/clients/" + percent-encoded id, and the like.
std::string path_with(std::string_view prefix, std::string_view parameter);

}  // namespace telemq::ctl
