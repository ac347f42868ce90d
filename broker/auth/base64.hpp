#pragma once
// Standard base64 (RFC 4648 section 4, with '=' padding), the encoding of the salt and hash fields
// in Mosquitto password files.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace telemq::auth {

std::string base64_encode(std::span<const std::uint8_t> bytes);

// Nothing when text is not base64. Padding may be left out, as some hand-made files do.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace telemq::auth
