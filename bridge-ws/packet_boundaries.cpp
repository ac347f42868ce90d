#include "bridge-ws/packet_boundaries.hpp"

namespace telemq::bridge_ws {

std::size_t first_packet_size(std::span<const std::uint8_t> bytes) {
  std::size_t remaining = 0;
  std::size_t shift = 0;
  for (std::size_t i = 1; i < bytes.size() && i <= 4; ++i) {
    remaining |= static_cast<std::size_t>(bytes[i] & 0x7F) << shift;
    shift += 7;
    if ((bytes[i] & 0x80) == 0) {
      const std::size_t total = 1 + i + remaining;
      return total <= bytes.size() ? total : bytes.size();
    }
  }
  return bytes.size();
}

}  // namespace telemq::bridge_ws
