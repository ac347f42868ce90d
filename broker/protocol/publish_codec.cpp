#include "broker/protocol/publish_codec.hpp"

#include <cstdint>
#include <cstring>
#include <string>

#include "broker/protocol/reason_codes.hpp"

namespace telemq::protocol::detail {

namespace {

// The checks of every PUBLISH topic: UTF-8 [MQTT-1.5.4-1/2] and no wildcards [MQTT-3.3.2-2].
// Topics are mostly ASCII, so one plain pass usually settles both.
// Eight bytes at a time: whether a word holds a zero byte, or a given byte (the classic
// "haszero" bit trick; it never reports a zero that is not there).
constexpr std::uint64_t ones = 0x0101010101010101ull;
constexpr std::uint64_t highs = 0x8080808080808080ull;
constexpr bool has_zero_byte(std::uint64_t word) {
  return ((word - ones) & ~word & highs) != 0;
}
constexpr bool has_byte(std::uint64_t word, std::uint8_t byte) {
  return has_zero_byte(word ^ (ones * byte));
}

std::optional<error> check_topic_name(std::string_view topic) {
  // Skip the plain ASCII words (no U+0000, no wildcard, no multi-byte sequence) quickly; the
  // byte loop below settles the rest, starting at the first word that needs a closer look.
  std::size_t start = 0;
  for (; start + 8 <= topic.size(); start += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, topic.data() + start, sizeof word);
    if ((word & highs) != 0 || has_zero_byte(word) || has_byte(word, '+') || has_byte(word, '#')) {
      break;
    }
  }
  bool wildcard = false;
  bool ascii = true;
  for (const char ch : topic.substr(start)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      ascii = false;
      break;
    }
    if (c == 0) {
      return malformed("PUBLISH topic name contains U+0000 [MQTT-1.5.4-2]");
    }
    wildcard = wildcard || c == '+' || c == '#';
  }
  if (!ascii) {
    switch (check_utf8(topic)) {
      case utf8_status::ok:
        break;
      case utf8_status::ill_formed:
        return malformed("PUBLISH topic name is not well-formed UTF-8 [MQTT-1.5.4-1]");
      case utf8_status::null_character:
        return malformed("PUBLISH topic name contains U+0000 [MQTT-1.5.4-2]");
    }
    // Every byte of a multi-byte sequence is >= 0x80, so an ASCII search finds the wildcards.
    wildcard = topic.find_first_of("+#") != std::string_view::npos;
  }
  if (wildcard) {
    return error{reason_code::topic_name_invalid, "PUBLISH topic name '" + printable(topic) +
                                                      "' contains a wildcard [MQTT-3.3.2-2]"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<error> decode_publish(std::uint8_t flags, reader& in, protocol_version version,
                                    publish_packet& out) {
  const auto qos_bits = static_cast<std::uint8_t>((flags >> 1) & 0x03);
  if (qos_bits == 3) {
    return malformed("PUBLISH with QoS 3 [MQTT-3.3.1-4]");
  }
  out.dup = (flags & 0x08) != 0;
  if (out.dup && qos_bits == 0) {
    return malformed("PUBLISH with DUP set on QoS 0 [MQTT-3.3.1-2]");
  }
  out.qos_level = static_cast<qos>(qos_bits);
  out.retain = (flags & 0x01) != 0;

  std::string_view topic;
  if (!in.string(topic)) {
    return truncated("PUBLISH", "topic name");
  }
  if (auto bad = check_topic_name(topic)) {
    return bad;
  }
  out.packet_id = 0;
  if (qos_bits != 0) {
    if (auto bad = read_packet_id(in, out.packet_id, "PUBLISH")) {
      return bad;
    }
  }
  const bool v5 = version == protocol_version::v5;
  clear_properties(out.props);
  if (v5) {
    if (auto bad = read_properties(in, property_scope::publish, out.props, "PUBLISH")) {
      return bad;
    }
  }
  if (topic.empty()) {
    if (!v5) {
      return protocol_violation("PUBLISH with an empty topic name [MQTT-4.7.3-1]");
    }
    if (!out.props.topic_alias) {
      return protocol_violation(
          "PUBLISH with an empty topic name and no Topic Alias (section 3.3.2.3.4)");
    }
  }
  out.topic.assign(topic);
  out.payload.assign(in.rest());
  return std::nullopt;
}

}  // namespace telemq::protocol::detail
