#pragma once
// CONNECT (MQTT 5.0 section 3.1, 3.1.1 section 3.1) and CONNACK (section 3.2).
#include <optional>

#include "broker/protocol/error.hpp"
#include "broker/protocol/packets.hpp"
#include "broker/protocol/primitives.hpp"
#include "broker/protocol/properties_codec.hpp"

namespace telemq::protocol::detail {

constexpr std::string_view protocol_name(protocol_version version) {
  return version == protocol_version::v3_1 ? "MQIsdp" : "MQTT";
}

// ---- CONNECT: a CONNECT names its own version, so p.version wins over the session's ----------

inline std::uint8_t header_byte(const connect_packet&, protocol_version) {
  return 0x10;
}

template <typename Sink>
void put_body(Sink& out, const connect_packet& p, protocol_version) {
  const bool v5 = p.version == protocol_version::v5;
  // Variable header: Protocol Name, Protocol Level, Connect Flags, Keep Alive, Properties.
  put_string(out, protocol_name(p.version));
  out.put(static_cast<std::uint8_t>(p.version));
  std::uint8_t flags = 0;
  if (p.clean_start) {
    flags |= 0x02;
  }
  if (p.will) {
    flags |= 0x04;
    flags |= static_cast<std::uint8_t>(static_cast<std::uint8_t>(p.will->qos_level) << 3);
    if (p.will->retain) {
      flags |= 0x20;
    }
  }
  if (p.password) {
    flags |= 0x40;
  }
  if (p.username) {
    flags |= 0x80;
  }
  out.put(flags);
  put_u16(out, p.keep_alive);
  if (v5) {
    put_properties<property_scope::connect>(out, p.props);
  }
  // Payload: Client Identifier, Will Properties, Will Topic, Will Payload, User Name, Password.
  put_string(out, p.client_id);
  if (p.will) {
    if (v5) {
      put_properties<property_scope::will>(out, p.will->props);
    }
    put_string(out, p.will->topic);
    put_string(out, p.will->payload);
  }
  if (p.username) {
    put_string(out, *p.username);
  }
  if (p.password) {
    put_string(out, *p.password);
  }
}

// Decodes the body after the fixed header, whatever version the connection was set to.
std::optional<error> decode_connect(reader& in, connect_packet& out);

// ---- CONNACK ----------------------------------------------------------------------------------

inline std::uint8_t header_byte(const connack_packet&, protocol_version) {
  return 0x20;
}

template <typename Sink>
void put_body(Sink& out, const connack_packet& p, protocol_version version) {
  // MQTT 3.1 has no Session Present flag: the byte is reserved there.
  out.put(static_cast<std::uint8_t>(p.session_present && version != protocol_version::v3_1));
  if (version == protocol_version::v5) {
    out.put(static_cast<std::uint8_t>(p.reason));
    put_properties<property_scope::connack>(out, p.props);
  } else {
    out.put(static_cast<std::uint8_t>(to_connect_return_code(p.reason)));
  }
}

std::optional<error> decode_connack(reader& in, protocol_version version, connack_packet& out);

}  // namespace telemq::protocol::detail
