#include "broker/protocol/primitives.hpp"

namespace telemq::protocol::detail {

utf8_status check_utf8(std::string_view text) {
  const auto* at = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = at + text.size();
  while (at != end) {
    const unsigned char lead = *at;
    if (lead < 0x80) {
      if (lead == 0) {
        return utf8_status::null_character;
      }
      ++at;
      continue;
    }
    // Table 3-7 of the Unicode standard: the second byte's range depends on the lead byte, which
    // is how overlong forms, surrogates and code points above U+10FFFF are excluded.
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) {
        low = 0xA0;
      } else if (lead == 0xED) {
        high = 0x9F;  // U+D800..U+DFFF are surrogates
      }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) {
        low = 0x90;
      } else if (lead == 0xF4) {
        high = 0x8F;
      }
    } else {
      return utf8_status::ill_formed;
    }
    if (static_cast<std::size_t>(end - at) < length || at[1] < low || at[1] > high) {
      return utf8_status::ill_formed;
    }
    for (std::size_t i = 2; i < length; ++i) {
      if ((at[i] & 0xC0) != 0x80) {
        return utf8_status::ill_formed;
      }
    }
    at += length;
  }
  return utf8_status::ok;
}

std::optional<error> read_utf8(reader& in, std::string& out, std::string_view packet_name,
                               std::string_view field) {
  std::string_view text;
  if (!in.string(text)) {
    return truncated(packet_name, field);
  }
  switch (check_utf8(text)) {
    case utf8_status::ok:
      break;
    case utf8_status::ill_formed:
      return malformed(std::string(packet_name) + " " + std::string(field) +
                       " is not well-formed UTF-8 [MQTT-1.5.4-1]");
    case utf8_status::null_character:
      return malformed(std::string(packet_name) + " " + std::string(field) +
                       " contains U+0000 [MQTT-1.5.4-2]");
  }
  out.assign(text);
  return std::nullopt;
}

std::optional<error> read_binary(reader& in, std::string& out, std::string_view packet_name,
                                 std::string_view field) {
  std::string_view data;
  if (!in.string(data)) {
    return truncated(packet_name, field);
  }
  out.assign(data);
  return std::nullopt;
}

std::optional<error> read_packet_id(reader& in, std::uint16_t& out, std::string_view packet_name) {
  if (!in.u16(out)) {
    return truncated(packet_name, "packet identifier");
  }
  if (out == 0) {
    return protocol_violation(std::string(packet_name) +
                              " with packet identifier 0 [MQTT-2.3.1-1]");
  }
  return std::nullopt;
}

}  // namespace telemq::protocol::detail
