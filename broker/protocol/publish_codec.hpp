#pragma once
// PUBLISH (MQTT 5.0 section 3.3, 3.1.1 section 3.3).
#include <optional>

#include "broker/protocol/error.hpp"
#include "broker/protocol/packets.hpp"
#include "broker/protocol/primitives.hpp"
#include "broker/protocol/properties_codec.hpp"

namespace telemq::protocol::detail {

inline std::uint8_t header_byte(const publish_packet& p, protocol_version) {
  return static_cast<std::uint8_t>(0x30 | (p.dup ? 0x08 : 0) |
                                   (static_cast<std::uint8_t>(p.qos_level) << 1) |
                                   (p.retain ? 0x01 : 0));
}

template <typename Sink>
void put_body(Sink& out, const publish_packet& p, protocol_version version) {
  // Variable header: Topic Name, Packet Identifier (QoS 1 and 2 only), Properties; then payload.
  put_string(out, p.topic);
  if (p.qos_level != qos::at_most_once) {
    put_u16(out, p.packet_id);
  }
  if (version == protocol_version::v5) {
    put_properties<property_scope::publish>(out, p.props);
  }
  out.put(p.payload.data(), p.payload.size());
}

// `flags` are the low four bits of the fixed header. Every field of `out` is overwritten; its
// strings keep their capacity.
std::optional<error> decode_publish(std::uint8_t flags, reader& in, protocol_version version,
                                    publish_packet& out);

}  // namespace telemq::protocol::detail
