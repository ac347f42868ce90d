#pragma once
// Which reason codes each MQTT 5.0 packet may carry (sections 3.2.2.2 to 3.15.2.1).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "broker/protocol/error.hpp"
#include "broker/protocol/types.hpp"

namespace telemq::protocol::detail {

bool is_reason_allowed(packet_type type, std::uint8_t code);

// A protocol error naming the packet when `code` is not one of its reason codes.
std::optional<error> check_reason(packet_type type, std::uint8_t code);

// "0x8F"
std::string hex(std::uint8_t value);

// Bytes outside printable ASCII replaced, for quoting untrusted input in log messages.
std::string printable(std::string_view text);

}  // namespace telemq::protocol::detail
