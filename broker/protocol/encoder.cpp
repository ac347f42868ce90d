// encode, its fast paths and encoded_size: every packet is measured with the same code that
// writes it, then written in place with one resize of the caller's buffer.
#include <cassert>
#include <type_traits>

#include "broker/protocol/ack_codec.hpp"
#include "broker/protocol/codec.hpp"
#include "broker/protocol/connect_codec.hpp"
#include "broker/protocol/control_codec.hpp"
#include "broker/protocol/publish_codec.hpp"
#include "broker/protocol/subscribe_codec.hpp"

namespace telemq::protocol {

namespace {

template <typename P>
bool exists_in(protocol_version version) {
  return !std::is_same_v<P, auth_packet> || version == protocol_version::v5;
}

template <typename P>
std::uint32_t body_size(const P& p, protocol_version version) {
  detail::size_counter counter;
  detail::put_body(counter, p, version);
  return static_cast<std::uint32_t>(counter.size);
}

template <typename P>
std::size_t packet_size(const P& p, protocol_version version) {
  if (!exists_in<P>(version)) {
    return 0;
  }
  const std::uint32_t remaining = body_size(p, version);
  return 1 + detail::variable_byte_integer_size(remaining) + remaining;
}

template <typename P>
void encode_one(const P& p, protocol_version version, byte_buffer& out) {
  if (!exists_in<P>(version)) {
    return;
  }
  const std::uint32_t remaining = body_size(p, version);
  const std::size_t start = out.size();
  out.resize(start + 1 + detail::variable_byte_integer_size(remaining) + remaining);
  detail::pointer_writer writer{out.data() + start};
  writer.put(detail::header_byte(p, version));
  detail::put_variable_byte_integer(writer, remaining);
  detail::put_body(writer, p, version);
  assert(writer.at == out.data() + out.size());
}

}  // namespace

void encode(const packet& p, protocol_version version, byte_buffer& out) {
  std::visit([&](const auto& alternative) { encode_one(alternative, version, out); }, p);
}

void encode_publish(const publish_packet& p, protocol_version version, byte_buffer& out) {
  encode_one(p, version, out);
}

void encode_ack(packet_type type, std::uint16_t packet_id, reason_code reason,
                protocol_version version, byte_buffer& out) {
  if (type != packet_type::puback && type != packet_type::pubrec && type != packet_type::pubrel &&
      type != packet_type::pubcomp) {
    assert(false && "encode_ack is for PUBACK, PUBREC, PUBREL and PUBCOMP");
    return;
  }
  detail::size_counter counter;
  detail::put_ack_body(counter, packet_id, reason, nullptr, version);
  const auto remaining = static_cast<std::uint8_t>(counter.size);  // 2 or 3
  const std::size_t start = out.size();
  out.resize(start + 2 + remaining);
  detail::pointer_writer writer{out.data() + start};
  writer.put(detail::ack_header_byte(type));
  writer.put(remaining);
  detail::put_ack_body(writer, packet_id, reason, nullptr, version);
}

std::size_t encoded_size(const packet& p, protocol_version version) {
  return std::visit([&](const auto& alternative) { return packet_size(alternative, version); }, p);
}

}  // namespace telemq::protocol
