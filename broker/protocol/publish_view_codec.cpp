// encode_publish for publish_view: the PUBLISH a broker sends for a message it already holds.
// Written with the same sinks as every other packet, so encoded_size() and encode_publish()
// cannot disagree, and with one resize of the caller's buffer.
#include <cassert>

#include "broker/protocol/codec.hpp"
#include "broker/protocol/primitives.hpp"
#include "broker/protocol/properties_codec.hpp"

namespace telemq::protocol {

namespace {

// The message's own properties, then those that differ per delivery. The per-delivery ones
// replace the message's: a Topic Alias and Subscription Identifiers belong to one connection, and
// the expiry forwarded is what is left of it [MQTT-3.3.2-6]; writing both would repeat a
// property, a protocol error for the receiver.
template <typename Sink>
void put_property_list(Sink& out, const publish_view& p) {
  if (p.props != nullptr) {
    constexpr std::uint64_t per_delivery =
        detail::property_bit(property_id::message_expiry_interval) |
        detail::property_bit(property_id::topic_alias) |
        detail::property_bit(property_id::subscription_identifier);
    detail::put_property_list<detail::property_scope::publish>(out, *p.props, per_delivery);
  }
  if (p.message_expiry_interval) {
    out.put(static_cast<std::uint8_t>(property_id::message_expiry_interval));
    detail::put_u32(out, *p.message_expiry_interval);
  }
  if (p.topic_alias != 0) {
    out.put(static_cast<std::uint8_t>(property_id::topic_alias));
    detail::put_u16(out, p.topic_alias);
  }
  for (const std::uint32_t id : p.subscription_identifiers) {
    out.put(static_cast<std::uint8_t>(property_id::subscription_identifier));
    detail::put_variable_byte_integer(out, id);
  }
}

template <typename Sink>
void put_body(Sink& out, const publish_view& p, protocol_version version) {
  detail::put_string(out, p.topic);
  if (p.qos_level != qos::at_most_once) {
    detail::put_u16(out, p.packet_id);
  }
  if (version == protocol_version::v5) {
    detail::size_counter properties_size;
    put_property_list(properties_size, p);
    detail::put_variable_byte_integer(out, static_cast<std::uint32_t>(properties_size.size));
    put_property_list(out, p);
  }
  out.put(p.payload.data(), p.payload.size());
}

std::uint32_t body_size(const publish_view& p, protocol_version version) {
  detail::size_counter counter;
  put_body(counter, p, version);
  return static_cast<std::uint32_t>(counter.size);
}

}  // namespace

void encode_publish(const publish_view& p, protocol_version version, byte_buffer& out) {
  const std::uint32_t remaining = body_size(p, version);
  const std::size_t start = out.size();
  out.resize(start + 1 + detail::variable_byte_integer_size(remaining) + remaining);
  detail::pointer_writer writer{out.data() + start};
  writer.put(static_cast<std::uint8_t>(0x30 | (p.dup ? 0x08 : 0) |
                                       (static_cast<std::uint8_t>(p.qos_level) << 1) |
                                       (p.retain ? 0x01 : 0)));
  detail::put_variable_byte_integer(writer, remaining);
  put_body(writer, p, version);
  assert(writer.at == out.data() + out.size());
}

std::size_t encoded_size(const publish_view& p, protocol_version version) {
  const std::uint32_t remaining = body_size(p, version);
  return 1 + detail::variable_byte_integer_size(remaining) + remaining;
}

}  // namespace telemq::protocol
