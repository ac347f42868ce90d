#pragma once
// Base64 (RFC 4648, standard alphabet, padded): binary payloads in JSON events and the
// credentials of HTTP Basic authentication.
#include <optional>
#include <string>
#include <string_view>

namespace telemq::bridge_ws {

std::string base64_encode(std::string_view bytes);

// Nothing when text is not padded base64 of the standard alphabet.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace telemq::bridge_ws
