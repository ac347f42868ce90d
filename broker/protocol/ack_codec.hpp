#pragma once
// PUBACK, PUBREC, PUBREL and PUBCOMP (MQTT 5.0 sections 3.4 to 3.7): a packet identifier, then in
// 5.0 an optional reason code and optional properties.
#include <optional>
#include <type_traits>

#include "broker/protocol/error.hpp"
#include "broker/protocol/packets.hpp"
#include "broker/protocol/primitives.hpp"
#include "broker/protocol/properties_codec.hpp"

namespace telemq::protocol::detail {

constexpr std::uint8_t ack_header_byte(packet_type type) {
  // PUBREL carries the reserved flags 0b0010 [MQTT-3.6.1-1].
  return static_cast<std::uint8_t>((static_cast<std::uint8_t>(type) << 4) |
                                   (type == packet_type::pubrel ? 0x02 : 0x00));
}

constexpr property_scope ack_scope(packet_type type) {
  switch (type) {
    case packet_type::pubrec:
      return property_scope::pubrec;
    case packet_type::pubrel:
      return property_scope::pubrel;
    case packet_type::pubcomp:
      return property_scope::pubcomp;
    default:
      return property_scope::puback;
  }
}

// Table 2-4 allows the same properties (Reason String, User Property) in all four acks, so the
// PUBACK scope serves them all when encoding.
constexpr bool same_properties_allowed(property_scope a, property_scope b) {
  for (unsigned id = 0; id < 0x80; ++id) {
    const auto property = static_cast<property_id>(id);
    if (is_allowed(property, a) != is_allowed(property, b)) {
      return false;
    }
  }
  return true;
}
static_assert(same_properties_allowed(property_scope::puback, property_scope::pubrec) &&
              same_properties_allowed(property_scope::puback, property_scope::pubrel) &&
              same_properties_allowed(property_scope::puback, property_scope::pubcomp));

// The shortest legal form: Remaining Length 2 for success without properties, 3 for another
// reason code without properties (sections 3.4.2.1 and 3.4.2.2.1).
template <typename Sink>
void put_ack_body(Sink& out, std::uint16_t packet_id, reason_code reason, const properties* props,
                  protocol_version version) {
  put_u16(out, packet_id);
  if (version != protocol_version::v5) {
    return;
  }
  const bool with_properties = props != nullptr && has_properties<property_scope::puback>(*props);
  if (reason == reason_code::success && !with_properties) {
    return;
  }
  out.put(static_cast<std::uint8_t>(reason));
  if (with_properties) {
    put_properties<property_scope::puback>(out, *props);
  }
}

template <typename Ack>
constexpr packet_type ack_type() {
  if constexpr (std::is_same_v<Ack, puback_packet>) {
    return packet_type::puback;
  } else if constexpr (std::is_same_v<Ack, pubrec_packet>) {
    return packet_type::pubrec;
  } else if constexpr (std::is_same_v<Ack, pubrel_packet>) {
    return packet_type::pubrel;
  } else {
    static_assert(std::is_same_v<Ack, pubcomp_packet>);
    return packet_type::pubcomp;
  }
}

template <typename Ack>
requires(std::is_same_v<Ack, puback_packet> || std::is_same_v<Ack, pubrec_packet> ||
         std::is_same_v<Ack, pubrel_packet> || std::is_same_v<Ack, pubcomp_packet>) std::uint8_t
    header_byte(const Ack&, protocol_version) {
  return ack_header_byte(ack_type<Ack>());
}

template <typename Sink, typename Ack>
requires(std::is_same_v<Ack, puback_packet> || std::is_same_v<Ack, pubrec_packet> ||
         std::is_same_v<Ack, pubrel_packet> ||
         std::is_same_v<Ack, pubcomp_packet>) void put_body(Sink& out, const Ack& p,
                                                            protocol_version version) {
  put_ack_body(out, p.packet_id, p.reason, &p.props, version);
}

// Decodes the body of any of the four; the fields are those the four packets share.
std::optional<error> decode_ack(reader& in, packet_type type, protocol_version version,
                                std::uint16_t& packet_id, reason_code& reason, properties& props);

}  // namespace telemq::protocol::detail
