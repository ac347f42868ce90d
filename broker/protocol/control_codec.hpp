#pragma once
// PINGREQ, PINGRESP (MQTT 5.0 sections 3.12, 3.13), DISCONNECT (3.14) and AUTH (3.15).
#include <optional>

#include "broker/protocol/error.hpp"
#include "broker/protocol/packets.hpp"
#include "broker/protocol/primitives.hpp"
#include "broker/protocol/properties_codec.hpp"

namespace telemq::protocol::detail {

inline std::uint8_t header_byte(const pingreq_packet&, protocol_version) {
  return 0xC0;
}
inline std::uint8_t header_byte(const pingresp_packet&, protocol_version) {
  return 0xD0;
}
inline std::uint8_t header_byte(const disconnect_packet&, protocol_version) {
  return 0xE0;
}
inline std::uint8_t header_byte(const auth_packet&, protocol_version) {
  return 0xF0;
}

template <typename Sink>
void put_body(Sink&, const pingreq_packet&, protocol_version) {}
template <typename Sink>
void put_body(Sink&, const pingresp_packet&, protocol_version) {}

// Before 5.0 a DISCONNECT is empty. In 5.0 the shortest form is used: nothing for a normal
// disconnection without properties, the reason code alone when there are no properties
// (section 3.14.2.2.1).
template <typename Sink>
void put_body(Sink& out, const disconnect_packet& p, protocol_version version) {
  if (version != protocol_version::v5) {
    return;
  }
  const bool with_properties = has_properties<property_scope::disconnect>(p.props);
  if (p.reason == reason_code::normal_disconnection && !with_properties) {
    return;
  }
  out.put(static_cast<std::uint8_t>(p.reason));
  if (with_properties) {
    put_properties<property_scope::disconnect>(out, p.props);
  }
}

// AUTH exists only in 5.0; encode() writes nothing for it in 3.1 and 3.1.1. Remaining Length 0
// stands for success without properties (section 3.15.2.1); otherwise the reason code and the
// property block are both written.
template <typename Sink>
void put_body(Sink& out, const auth_packet& p, protocol_version version) {
  if (version != protocol_version::v5) {
    return;
  }
  if (p.reason == reason_code::success && !has_properties<property_scope::auth>(p.props)) {
    return;
  }
  out.put(static_cast<std::uint8_t>(p.reason));
  put_properties<property_scope::auth>(out, p.props);
}

std::optional<error> decode_empty(reader& in, packet_type type);
std::optional<error> decode_disconnect(reader& in, protocol_version version,
                                       disconnect_packet& out);
std::optional<error> decode_auth(reader& in, protocol_version version, auth_packet& out);

}  // namespace telemq::protocol::detail
