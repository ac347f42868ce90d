// decode_packet and the reusing decode_publish: fixed header checks, then the packet's own
// decoder.
#include <string>

#include "broker/protocol/ack_codec.hpp"
#include "broker/protocol/codec.hpp"
#include "broker/protocol/connect_codec.hpp"
#include "broker/protocol/control_codec.hpp"
#include "broker/protocol/fixed_header.hpp"
#include "broker/protocol/publish_codec.hpp"
#include "broker/protocol/subscribe_codec.hpp"

namespace telemq::protocol {

namespace detail {

namespace {

std::string flag_bits(std::uint8_t flags) {
  std::string bits = "0b";
  for (int i = 3; i >= 0; --i) {
    bits += ((flags >> i) & 1) != 0 ? '1' : '0';
  }
  return bits;
}

// The reserved flag bits of every packet but PUBLISH [MQTT-2.2.2-1] [MQTT-2.2.2-2].
std::optional<error> check_flags(packet_type type, std::uint8_t flags, protocol_version version) {
  const bool one_bit = type == packet_type::pubrel || type == packet_type::subscribe ||
                       type == packet_type::unsubscribe;
  const std::uint8_t expected = one_bit ? 0x02 : 0x00;
  if (flags == expected) {
    return std::nullopt;
  }
  // MQTT 3.1 let a resent PUBREL, SUBSCRIBE or UNSUBSCRIBE carry the DUP flag.
  if (one_bit && version == protocol_version::v3_1 && flags == 0x0A) {
    return std::nullopt;
  }
  return malformed(std::string(to_string(type)) + " with fixed header flags " + flag_bits(flags) +
                   ", which must be " + flag_bits(expected) + " [MQTT-2.2.2-1] [MQTT-2.2.2-2]");
}

// The packet is built in place inside `out`, which already sits where the caller returns it
// from: a decoded packet is never moved.
template <typename P, typename Decode>
std::optional<error> decode_as(packet& out, Decode&& decode) {
  return decode(out.emplace<P>());
}

template <typename Ack>
std::optional<error> decode_ack_as(packet& out, reader& in, packet_type type,
                                   protocol_version version) {
  return decode_as<Ack>(out, [&](Ack& ack) {
    return decode_ack(in, type, version, ack.packet_id, ack.reason, ack.props);
  });
}

}  // namespace

std::optional<error> check_first_byte(std::uint8_t first_byte, protocol_version version) {
  const auto raw_type = static_cast<std::uint8_t>(first_byte >> 4);
  if (raw_type == 0) {
    return malformed("packet type 0 is reserved (MQTT 5.0 section 2.1.2)");
  }
  const auto type = static_cast<packet_type>(raw_type);
  if (type == packet_type::auth && version != protocol_version::v5) {
    return malformed("AUTH packet before MQTT 5.0, where packet type 15 is reserved");
  }
  if (type != packet_type::publish) {
    return check_flags(type, static_cast<std::uint8_t>(first_byte & 0x0F), version);
  }
  return std::nullopt;
}

std::optional<error> decode_body(std::uint8_t first_byte, std::span<const std::uint8_t> body,
                                 protocol_version version, packet& out) {
  if (auto bad = check_first_byte(first_byte, version)) {
    return bad;
  }
  const auto type = static_cast<packet_type>(first_byte >> 4);
  const auto flags = static_cast<std::uint8_t>(first_byte & 0x0F);
  reader in(body);
  switch (type) {
    case packet_type::connect:
      return decode_as<connect_packet>(out,
                                       [&](connect_packet& p) { return decode_connect(in, p); });
    case packet_type::connack:
      return decode_as<connack_packet>(
          out, [&](connack_packet& p) { return decode_connack(in, version, p); });
    case packet_type::publish:
      return decode_as<publish_packet>(
          out, [&](publish_packet& p) { return decode_publish(flags, in, version, p); });
    case packet_type::puback:
      return decode_ack_as<puback_packet>(out, in, type, version);
    case packet_type::pubrec:
      return decode_ack_as<pubrec_packet>(out, in, type, version);
    case packet_type::pubrel:
      return decode_ack_as<pubrel_packet>(out, in, type, version);
    case packet_type::pubcomp:
      return decode_ack_as<pubcomp_packet>(out, in, type, version);
    case packet_type::subscribe:
      return decode_as<subscribe_packet>(
          out, [&](subscribe_packet& p) { return decode_subscribe(in, version, p); });
    case packet_type::suback:
      return decode_as<suback_packet>(
          out, [&](suback_packet& p) { return decode_suback(in, version, p); });
    case packet_type::unsubscribe:
      return decode_as<unsubscribe_packet>(
          out, [&](unsubscribe_packet& p) { return decode_unsubscribe(in, version, p); });
    case packet_type::unsuback:
      return decode_as<unsuback_packet>(
          out, [&](unsuback_packet& p) { return decode_unsuback(in, version, p); });
    case packet_type::pingreq:
      return decode_as<pingreq_packet>(
          out, [&](pingreq_packet&) { return decode_empty(in, packet_type::pingreq); });
    case packet_type::pingresp:
      return decode_as<pingresp_packet>(
          out, [&](pingresp_packet&) { return decode_empty(in, packet_type::pingresp); });
    case packet_type::disconnect:
      return decode_as<disconnect_packet>(
          out, [&](disconnect_packet& p) { return decode_disconnect(in, version, p); });
    case packet_type::auth:
      return decode_as<auth_packet>(out,
                                    [&](auth_packet& p) { return decode_auth(in, version, p); });
  }
  return malformed("unknown packet type");
}

namespace {

// The fixed header of a buffer that must hold exactly one packet.
std::optional<error> whole_packet_header(std::span<const std::uint8_t> bytes, fixed_header& h) {
  switch (parse_fixed_header([&](std::size_t i) { return bytes[i]; }, bytes.size(), h)) {
    case header_status::malformed:
      return malformed_remaining_length();
    case header_status::incomplete:
      return malformed("packet shorter than its fixed header");
    case header_status::complete:
      break;
  }
  if (h.packet_size() != bytes.size()) {
    return malformed("Remaining Length " + std::to_string(h.remaining_length) +
                     " disagrees with the " + std::to_string(bytes.size() - h.size) +
                     " bytes after the fixed header");
  }
  return std::nullopt;
}

}  // namespace

}  // namespace detail

result<packet> decode_packet(std::span<const std::uint8_t> bytes, protocol_version version) {
  // One named result on every path, so it is constructed in the caller's storage; the packet
  // alternative is replaced in place by decode_body.
  result<packet> decoded(std::in_place, std::in_place_type<pingreq_packet>);
  detail::fixed_header header;
  std::optional<error> bad = detail::whole_packet_header(bytes, header);
  if (!bad) {
    bad = detail::decode_body(header.first_byte, bytes.subspan(header.size), version,
                              decoded.value());
  }
  if (bad) {
    decoded = result<packet>(std::move(*bad));
  }
  return decoded;
}

std::optional<error> decode_publish(std::span<const std::uint8_t> bytes, protocol_version version,
                                    publish_packet& out) {
  detail::fixed_header header;
  if (auto bad = detail::whole_packet_header(bytes, header)) {
    return bad;
  }
  if ((header.first_byte >> 4) != static_cast<std::uint8_t>(packet_type::publish)) {
    return detail::malformed("decode_publish given a packet that is not a PUBLISH");
  }
  detail::reader in(bytes.subspan(header.size));
  return detail::decode_publish(static_cast<std::uint8_t>(header.first_byte & 0x0F), in, version,
                                out);
}

}  // namespace telemq::protocol
