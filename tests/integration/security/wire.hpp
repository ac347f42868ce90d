#pragma once
// MQTT packets assembled byte by byte from the OASIS tables, independent of the broker's codec,
// so a test can send exactly what a hostile client would.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace telemq::security_test::wire {

using bytes = std::vector<std::uint8_t>;

enum class version : std::uint8_t { v311 = 4, v5 = 5 };

struct connect_fields {
  std::string client_id;
  version level = version::v311;
  std::optional<std::string> username;
  std::optional<std::string> password;
  bool clean = true;
  std::uint16_t keep_alive = 60;
};

bytes varint(std::uint32_t value);
bytes connect(const connect_fields& fields);
// QoS 0 when packet_id is 0.
bytes publish(std::string_view topic, std::string_view payload, std::uint8_t qos,
              std::uint16_t packet_id, version level, bool retain = false);
bytes subscribe(std::uint16_t packet_id, std::string_view filter, std::uint8_t qos, version level);
bytes puback(std::uint16_t packet_id);
bytes pingreq();

// A packet as received: the first byte and what follows the remaining length.
struct packet {
  std::uint8_t header = 0;
  bytes body;

  std::uint8_t type() const { return header >> 4; }
};

enum packet_type : std::uint8_t {
  connack = 2,
  publish_type = 3,
  puback_type = 4,
  suback = 9,
  pingresp = 13,
  disconnect = 14,
};

// CONNACK: the 3.1.1 return code or the 5.0 reason code.
std::uint8_t connack_code(const packet& p);
// PUBACK: the 5.0 reason code (0 when left out, as 3.1.1 always does).
std::uint8_t puback_code(const packet& p);
// SUBACK: the first return or reason code.
std::uint8_t suback_code(const packet& p, version level);
// DISCONNECT: the 5.0 reason code (0 when left out).
std::uint8_t disconnect_code(const packet& p);
// PUBLISH: topic and payload.
std::string publish_topic(const packet& p);
std::string publish_payload(const packet& p, version level);

}  // namespace telemq::security_test::wire
