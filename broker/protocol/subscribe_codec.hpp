#pragma once
// SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK (MQTT 5.0 sections 3.8 to 3.11).
#include <optional>

#include "broker/protocol/error.hpp"
#include "broker/protocol/packets.hpp"
#include "broker/protocol/primitives.hpp"
#include "broker/protocol/properties_codec.hpp"

namespace telemq::protocol::detail {

// ---- SUBSCRIBE --------------------------------------------------------------------------------

inline std::uint8_t header_byte(const subscribe_packet&, protocol_version) {
  return 0x82;
}

// Before 5.0 the options byte is the requested QoS alone.
constexpr std::uint8_t options_byte(const subscribe_options& o, protocol_version version) {
  auto byte = static_cast<std::uint8_t>(o.max_qos);
  if (version == protocol_version::v5) {
    byte |= static_cast<std::uint8_t>((o.no_local ? 0x04 : 0) | (o.retain_as_published ? 0x08 : 0) |
                                      ((o.retain_handling & 0x03) << 4));
  }
  return byte;
}

template <typename Sink>
void put_body(Sink& out, const subscribe_packet& p, protocol_version version) {
  put_u16(out, p.packet_id);
  if (version == protocol_version::v5) {
    put_properties<property_scope::subscribe>(out, p.props);
  }
  for (const subscription_request& s : p.subscriptions) {
    put_string(out, s.filter);
    out.put(options_byte(s.options, version));
  }
}

std::optional<error> decode_subscribe(reader& in, protocol_version version, subscribe_packet& out);

// ---- SUBACK -----------------------------------------------------------------------------------

inline std::uint8_t header_byte(const suback_packet&, protocol_version) {
  return 0x90;
}

// Before 5.0 a SUBACK carries granted QoS 0, 1, 2 or 0x80 for any failure [MQTT-3.9.3-2].
constexpr std::uint8_t suback_code(reason_code reason, protocol_version version) {
  const auto code = static_cast<std::uint8_t>(reason);
  if (version == protocol_version::v5 || code <= 0x02) {
    return code;
  }
  return 0x80;
}

template <typename Sink>
void put_body(Sink& out, const suback_packet& p, protocol_version version) {
  put_u16(out, p.packet_id);
  if (version == protocol_version::v5) {
    put_properties<property_scope::suback>(out, p.props);
  }
  for (const reason_code reason : p.reasons) {
    out.put(suback_code(reason, version));
  }
}

std::optional<error> decode_suback(reader& in, protocol_version version, suback_packet& out);

// ---- UNSUBSCRIBE ------------------------------------------------------------------------------

inline std::uint8_t header_byte(const unsubscribe_packet&, protocol_version) {
  return 0xA2;
}

template <typename Sink>
void put_body(Sink& out, const unsubscribe_packet& p, protocol_version version) {
  put_u16(out, p.packet_id);
  if (version == protocol_version::v5) {
    put_properties<property_scope::unsubscribe>(out, p.props);
  }
  for (const std::string& filter : p.filters) {
    put_string(out, filter);
  }
}

std::optional<error> decode_unsubscribe(reader& in, protocol_version version,
                                        unsubscribe_packet& out);

// ---- UNSUBACK: before 5.0 only the packet identifier -----------------------------------------

inline std::uint8_t header_byte(const unsuback_packet&, protocol_version) {
  return 0xB0;
}

template <typename Sink>
void put_body(Sink& out, const unsuback_packet& p, protocol_version version) {
  put_u16(out, p.packet_id);
  if (version == protocol_version::v5) {
    put_properties<property_scope::unsuback>(out, p.props);
    for (const reason_code reason : p.reasons) {
      out.put(static_cast<std::uint8_t>(reason));
    }
  }
}

std::optional<error> decode_unsuback(reader& in, protocol_version version, unsuback_packet& out);

}  // namespace telemq::protocol::detail
