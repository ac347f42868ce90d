#pragma once
// The header every benchmark payload starts with: who sent it, its place in that publisher's
// stream and when it left. The rest of the payload is filler up to --payload bytes.
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace telemq::bench {

struct payload_header {
  std::uint32_t publisher_id = 0;
  std::uint32_t sequence = 0;
  std::int64_t sent_ns = 0;  // steady_clock; sender and receiver share this process
};

inline constexpr std::size_t payload_header_size = 16;

// Little-endian on the wire: the benchmark only ever talks to itself, and x86 and ARM both are.
inline void write_header(std::string& payload, const payload_header& h) {
  std::memcpy(payload.data(), &h.publisher_id, 4);
  std::memcpy(payload.data() + 4, &h.sequence, 4);
  std::memcpy(payload.data() + 8, &h.sent_ns, 8);
}

inline std::optional<payload_header> read_header(std::string_view payload) {
  if (payload.size() < payload_header_size) {
    return std::nullopt;
  }
  payload_header h;
  std::memcpy(&h.publisher_id, payload.data(), 4);
  std::memcpy(&h.sequence, payload.data() + 4, 4);
  std::memcpy(&h.sent_ns, payload.data() + 8, 8);
  return h;
}

}  // namespace telemq::bench
