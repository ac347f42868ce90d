#include "bridge-ws/basic_auth.hpp"

#include "broker/text/ascii.hpp"
#include "broker/text/base64.hpp"

namespace telemq::bridge_ws {

std::optional<basic_credentials> parse_basic_auth(std::string_view header) {
  header = text::trim(header);
  const auto space = header.find(' ');
  if (space == std::string_view::npos ||
      !text::equals_ignoring_case(header.substr(0, space), "basic")) {
    return std::nullopt;
  }
  const auto bytes = text::base64_decode(text::trim(header.substr(space + 1)));
  if (!bytes) {
    return std::nullopt;
  }
  const std::string decoded(bytes->begin(), bytes->end());
  const auto colon = decoded.find(':');
  if (colon == std::string::npos) {
    return std::nullopt;
  }
  return basic_credentials{decoded.substr(0, colon), decoded.substr(colon + 1)};
}

}  // namespace telemq::bridge_ws
