#pragma once
// The protocol state of one network connection: the decoder, what CONNECT negotiated, topic
// aliases in both directions, and the packets held back until the store makes them durable.
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "broker/core/broker.hpp"
#include "broker/core/fifo.hpp"
#include "broker/core/link.hpp"
#include "broker/core/time.hpp"
#include "broker/protocol/codec.hpp"

namespace telemq::core {

class session;

enum class connection_phase : unsigned char { awaiting_connect, connected, closing };

// A packet that may only leave once the store confirms what it acknowledges (durability
// contract): PUBACK, PUBREC, PUBCOMP to a publisher, PUBREL and QoS 2 PUBLISH to a subscriber.
struct held_packet {
  protocol::packet_type type = protocol::packet_type::puback;
  std::uint16_t packet_id = 0;
  protocol::reason_code reason = protocol::reason_code::success;
  std::uint64_t serial = 0;
  bool ready = false;
  bool dup = false;  // a PUBLISH sent again on session resume
};

class connection_state final : public connection {
 public:
  connection_state(broker::impl& engine, link& transport, connection_info info, std::uint64_t id,
                   timestamp now, std::uint32_t max_packet_size)
      : engine(engine),
        transport(transport),
        info(std::move(info)),
        id(id),
        decoder(max_packet_size),
        opened_at(now),
        last_packet_at(now) {}

  broker::impl& engine;
  link& transport;
  connection_info info;
  std::uint64_t id;
  protocol::decoder decoder;
  connection_phase phase = connection_phase::awaiting_connect;
  protocol::protocol_version version = protocol::protocol_version::v3_1_1;
  session* owner = nullptr;
  timestamp opened_at;
  timestamp last_packet_at;
  std::uint16_t keep_alive = 0;  // seconds, as negotiated
  bool publish_will_on_close = true;

  // What a 5.0 client told us about itself in CONNECT.
  std::uint16_t client_receive_maximum = 65535;
  std::uint32_t client_maximum_packet_size = 0;  // 0: no limit beyond the protocol's
  std::uint16_t client_topic_alias_maximum = 0;
  bool request_problem_information = true;

  std::vector<std::string> incoming_aliases;  // index alias - 1
  // Allocated at the first alias given: most connections never use one, and an empty map
  // costs an idle connection 56 bytes.
  std::unique_ptr<std::unordered_map<std::string, std::uint16_t>> outgoing_aliases;

  // Token buckets of the publish rate limits; refilled from the time of the last PUBLISH.
  double publish_tokens = 0;
  double publish_byte_tokens = 0;
  timestamp rate_refilled_at{};

  fifo<held_packet> held;
  std::size_t held_unregistered = 0;  // held packets no store barrier covers yet
  std::uint64_t next_held_serial = 1;
  std::uint32_t unacknowledged_qos1 = 0;  // QoS 1 PUBLISH received, PUBACK not sent yet
};

}  // namespace telemq::core
