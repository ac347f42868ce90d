#pragma once
// The fixed header (MQTT 5.0 section 2.1): packet type and flags, then the Remaining Length as a
// variable byte integer of at most four bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "broker/protocol/error.hpp"
#include "broker/protocol/packets.hpp"

namespace telemq::protocol::detail {

struct fixed_header {
  std::uint8_t first_byte = 0;
  std::uint32_t remaining_length = 0;
  std::size_t size = 0;  // 2 to 5 bytes

  std::size_t packet_size() const { return size + remaining_length; }
};

enum class header_status { complete, incomplete, malformed };

// `at(i)` yields the i-th byte of the stream from the packet's first byte; `available` says how
// many there are. A callable lets the streaming decoder read a header split across its buffer
// and newly fed bytes without copying them together.
template <typename ByteAt>
header_status parse_fixed_header(ByteAt&& at, std::size_t available, fixed_header& out) {
  if (available < 2) {
    return header_status::incomplete;
  }
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    if (1 + i >= available) {
      return header_status::incomplete;
    }
    const std::uint8_t digit = at(1 + i);
    value |= std::uint32_t{digit & 0x7Fu} << (7 * i);
    if ((digit & 0x80) == 0) {
      out.first_byte = at(0);
      out.remaining_length = value;
      out.size = 2 + i;
      return header_status::complete;
    }
  }
  return header_status::malformed;
}

inline error malformed_remaining_length() {
  return error{reason_code::malformed_packet,
               "Remaining Length is longer than four bytes (MQTT 5.0 section 1.5.5)"};
}

// The packet type and flag bits of a first byte, judged before anything after it has arrived:
// a reserved type, AUTH before 5.0, or reserved flag bits [MQTT-2.2.2-1] [MQTT-2.2.2-2] are
// malformed. PUBLISH flags are checked with the rest of the PUBLISH.
std::optional<error> check_first_byte(std::uint8_t first_byte, protocol_version version);

// Decodes the packet after its fixed header into `out` (whatever it held is replaced).
std::optional<error> decode_body(std::uint8_t first_byte, std::span<const std::uint8_t> body,
                                 protocol_version version, packet& out);

}  // namespace telemq::protocol::detail
