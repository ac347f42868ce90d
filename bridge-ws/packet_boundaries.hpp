#pragma once
// Where the first whole MQTT packet of a buffer ends: its fixed header's type byte, then the
// Remaining Length as a variable byte integer (MQTT 5.0 section 2.1), then that many bytes. For
// writing one WebSocket message per packet (bridge_options::frame_per_packet).
#include <cstddef>
#include <cstdint>
#include <span>

namespace telemq::bridge_ws {

// The size of the first packet; the whole buffer when it does not start with a complete, valid
// fixed header (the core only ever hands whole packets over, so that means "send it as is").
std::size_t first_packet_size(std::span<const std::uint8_t> bytes);

}  // namespace telemq::bridge_ws
