#include "broker/protocol/control_codec.hpp"

#include <string>

#include "broker/protocol/reason_codes.hpp"

namespace telemq::protocol::detail {

std::optional<error> decode_empty(reader& in, packet_type type) {
  if (!in.empty()) {
    return left_over(to_string(type), in.left());
  }
  return std::nullopt;
}

namespace {

// DISCONNECT and AUTH: an optional reason code, then optional properties.
std::optional<error> decode_reason_and_properties(reader& in, packet_type type,
                                                  property_scope scope, reason_code& reason,
                                                  properties& props) {
  const std::string_view name = to_string(type);
  if (in.empty()) {
    return std::nullopt;
  }
  std::uint8_t code = 0;
  in.u8(code);
  if (auto bad = check_reason(type, code)) {
    return bad;
  }
  reason = static_cast<reason_code>(code);
  if (!in.empty()) {
    if (auto bad = read_properties(in, scope, props, name)) {
      return bad;
    }
  }
  if (!in.empty()) {
    return left_over(name, in.left());
  }
  return std::nullopt;
}

}  // namespace

std::optional<error> decode_disconnect(reader& in, protocol_version version,
                                       disconnect_packet& out) {
  out.reason = reason_code::normal_disconnection;
  if (version != protocol_version::v5) {
    return decode_empty(in, packet_type::disconnect);
  }
  return decode_reason_and_properties(in, packet_type::disconnect, property_scope::disconnect,
                                      out.reason, out.props);
}

std::optional<error> decode_auth(reader& in, protocol_version version, auth_packet& out) {
  if (version != protocol_version::v5) {
    return malformed("AUTH packet before MQTT 5.0, where packet type 15 is reserved");
  }
  out.reason = reason_code::success;
  return decode_reason_and_properties(in, packet_type::auth, property_scope::auth, out.reason,
                                      out.props);
}

}  // namespace telemq::protocol::detail
