#pragma once
// The fifteen MQTT control packets as values. Field order follows the OASIS tables; fields that
// exist only in 5.0 are ignored when a packet is encoded for 3.1 or 3.1.1.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "broker/protocol/properties.hpp"
#include "broker/protocol/types.hpp"

namespace telemq::protocol {

struct will_message {
  std::string topic;
  std::string payload;
  qos qos_level = qos::at_most_once;
  bool retain = false;
  properties props;  // 5.0 Will Properties

  bool operator==(const will_message&) const = default;
};

struct connect_packet {
  protocol_version version = protocol_version::v3_1_1;
  bool clean_start = true;  // Clean Session in 3.1 and 3.1.1
  std::uint16_t keep_alive = 0;
  std::string client_id;
  std::optional<will_message> will;
  std::optional<std::string> username;
  std::optional<std::string> password;  // binary data
  properties props;

  bool operator==(const connect_packet&) const = default;
};

struct connack_packet {
  bool session_present = false;
  reason_code reason = reason_code::success;  // encoded as a connect_return_code before 5.0
  properties props;

  bool operator==(const connack_packet&) const = default;
};

struct publish_packet {
  std::string topic;
  std::string payload;
  qos qos_level = qos::at_most_once;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;  // only for QoS 1 and 2
  properties props;

  bool operator==(const publish_packet&) const = default;
};

// PUBACK, PUBREC, PUBREL and PUBCOMP share one shape (MQTT 5.0 sections 3.4 to 3.7).
struct puback_packet {
  std::uint16_t packet_id = 0;
  reason_code reason = reason_code::success;
  properties props;
  bool operator==(const puback_packet&) const = default;
};
struct pubrec_packet {
  std::uint16_t packet_id = 0;
  reason_code reason = reason_code::success;
  properties props;
  bool operator==(const pubrec_packet&) const = default;
};
struct pubrel_packet {
  std::uint16_t packet_id = 0;
  reason_code reason = reason_code::success;
  properties props;
  bool operator==(const pubrel_packet&) const = default;
};
struct pubcomp_packet {
  std::uint16_t packet_id = 0;
  reason_code reason = reason_code::success;
  properties props;
  bool operator==(const pubcomp_packet&) const = default;
};

// MQTT 5.0 section 3.8.3.1; before 5.0 only the maximum QoS is carried.
struct subscribe_options {
  qos max_qos = qos::at_most_once;
  bool no_local = false;
  bool retain_as_published = false;
  std::uint8_t retain_handling = 0;  // 0 send at subscribe, 1 only if new, 2 never

  bool operator==(const subscribe_options&) const = default;
};

struct subscription_request {
  std::string filter;
  subscribe_options options;
  bool operator==(const subscription_request&) const = default;
};

struct subscribe_packet {
  std::uint16_t packet_id = 0;
  std::vector<subscription_request> subscriptions;
  properties props;
  bool operator==(const subscribe_packet&) const = default;
};

struct suback_packet {
  std::uint16_t packet_id = 0;
  std::vector<reason_code> reasons;  // granted QoS or failure (0x80 before 5.0)
  properties props;
  bool operator==(const suback_packet&) const = default;
};

struct unsubscribe_packet {
  std::uint16_t packet_id = 0;
  std::vector<std::string> filters;
  properties props;
  bool operator==(const unsubscribe_packet&) const = default;
};

struct unsuback_packet {
  std::uint16_t packet_id = 0;
  std::vector<reason_code> reasons;  // 5.0 only; empty before 5.0
  properties props;
  bool operator==(const unsuback_packet&) const = default;
};

struct pingreq_packet {
  bool operator==(const pingreq_packet&) const = default;
};
struct pingresp_packet {
  bool operator==(const pingresp_packet&) const = default;
};

struct disconnect_packet {
  reason_code reason = reason_code::normal_disconnection;
  properties props;
  bool operator==(const disconnect_packet&) const = default;
};

struct auth_packet {
  reason_code reason = reason_code::success;
  properties props;
  bool operator==(const auth_packet&) const = default;
};

using packet =
    std::variant<connect_packet, connack_packet, publish_packet, puback_packet, pubrec_packet,
                 pubrel_packet, pubcomp_packet, subscribe_packet, suback_packet, unsubscribe_packet,
                 unsuback_packet, pingreq_packet, pingresp_packet, disconnect_packet, auth_packet>;

packet_type type_of(const packet& p);

}  // namespace telemq::protocol
