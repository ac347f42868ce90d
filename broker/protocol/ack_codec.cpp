#include "broker/protocol/ack_codec.hpp"

#include "broker/protocol/reason_codes.hpp"

namespace telemq::protocol::detail {

std::optional<error> decode_ack(reader& in, packet_type type, protocol_version version,
                                std::uint16_t& packet_id, reason_code& reason, properties& props) {
  const std::string_view name = to_string(type);
  if (auto bad = read_packet_id(in, packet_id, name)) {
    return bad;
  }
  reason = reason_code::success;
  if (version == protocol_version::v5 && !in.empty()) {
    std::uint8_t code = 0;
    in.u8(code);
    if (auto bad = check_reason(type, code)) {
      return bad;
    }
    reason = static_cast<reason_code>(code);
    // With Remaining Length 3 the Property Length is absent and taken as 0.
    if (!in.empty()) {
      if (auto bad = read_properties(in, ack_scope(type), props, name)) {
        return bad;
      }
    }
  }
  if (!in.empty()) {
    return left_over(name, in.left());
  }
  return std::nullopt;
}

}  // namespace telemq::protocol::detail
