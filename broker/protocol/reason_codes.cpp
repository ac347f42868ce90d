#include "broker/protocol/reason_codes.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

#include "broker/protocol/primitives.hpp"

namespace telemq::protocol::detail {

namespace {

constexpr bool contains(std::initializer_list<std::uint8_t> codes, std::uint8_t code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

}  // namespace

bool is_reason_allowed(packet_type type, std::uint8_t code) {
  switch (type) {
    case packet_type::connack:
      return contains({0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
                       0x8A, 0x8C, 0x90, 0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F},
                      code);
    case packet_type::puback:
    case packet_type::pubrec:
      return contains({0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99}, code);
    case packet_type::pubrel:
    case packet_type::pubcomp:
      return code == 0x00 || code == 0x92;
    case packet_type::suback:
      return contains({0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2},
                      code);
    case packet_type::unsuback:
      return contains({0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91}, code);
    case packet_type::disconnect:
      return contains(
          {0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93, 0x94,
           0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2},
          code);
    case packet_type::auth:
      return code == 0x00 || code == 0x18 || code == 0x19;
    default:
      return false;
  }
}

std::optional<error> check_reason(packet_type type, std::uint8_t code) {
  if (is_reason_allowed(type, code)) {
    return std::nullopt;
  }
  return protocol_violation(std::string(to_string(type)) + " with reason code " + hex(code) +
                            ", which is not one of its reason codes (MQTT 5.0 section 2.4)");
}

std::string hex(std::uint8_t value) {
  constexpr std::array<char, 16> digits = {'0', '1', '2', '3', '4', '5', '6', '7',
                                           '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};
  return std::string{'0', 'x', digits[value >> 4], digits[value & 0x0F]};
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(std::min<std::size_t>(text.size(), 64));
  for (const char c : text.substr(0, 64)) {
    out += (c >= 0x20 && c < 0x7F) ? c : '?';
  }
  if (text.size() > 64) {
    out += "...";
  }
  return out;
}

}  // namespace telemq::protocol::detail
