#pragma once
// Standard base64 (RFC 4648 section 4, with '=' padding): the salt and hash fields of Mosquitto
// password files, binary payloads in JSON, and HTTP Basic credentials.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace telemq::text {

std::string base64_encode(std::span<const std::uint8_t> bytes);
std::string base64_encode(std::string_view bytes);

// Nothing when text is not base64. Padding may be left out, as some hand-made files do.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace telemq::text
