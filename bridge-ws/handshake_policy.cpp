#include "bridge-ws/handshake_policy.hpp"

#include <algorithm>

#include "broker/text/ascii.hpp"

namespace telemq::bridge_ws {

namespace {

// "https://host:port" -> "host:port"
std::string_view authority(std::string_view origin) {
  const auto scheme_end = origin.find("://");
  return scheme_end == std::string_view::npos ? std::string_view{} : origin.substr(scheme_end + 3);
}

}  // namespace

std::optional<std::string> choose_subprotocol(std::string_view offered) {
  bool any = false;
  while (!offered.empty()) {
    const auto comma = offered.find(',');
    const auto name = text::trim(offered.substr(0, comma));
    offered = comma == std::string_view::npos ? std::string_view{} : offered.substr(comma + 1);
    if (name.empty()) {
      continue;
    }
    any = true;
    if (name == "mqtt" || name == "mqttv3.1") {
      return std::string(name);
    }
  }
  if (any) {
    return std::nullopt;
  }
  return std::string();
}

bool origin_allowed(const std::vector<std::string>& allowed, std::string_view origin,
                    std::string_view host) {
  if (origin.empty()) {
    return true;
  }
  if (!host.empty() && authority(origin) == host) {
    return true;
  }
  return std::any_of(allowed.begin(), allowed.end(),
                     [&](const std::string& a) { return a == "*" || a == origin; });
}

}  // namespace telemq::bridge_ws
