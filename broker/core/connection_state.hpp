#pragma once
// The protocol state of one network connection: the decoder, what CONNECT negotiated, topic
// aliases in both directions, and the packets held back until the store makes them durable.
//
// Split in two for idle connections, which are most of them: connection_state holds what every
// connection uses, connection_extras what only some need (aliases, rate limits, held packets),
// allocated on first use.
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

struct connection_extras {
  // Identity from a verified TLS client certificate; empty unless the listener uses it.
  std::string certificate_username;

  std::vector<std::string> incoming_aliases;  // index alias - 1
  std::unordered_map<std::string, std::uint16_t> outgoing_aliases;

  // Token buckets of the publish rate limits; refilled from the time of the last PUBLISH.
  bool rate_started = false;
  double publish_tokens = 0;
  double publish_byte_tokens = 0;
  timestamp rate_refilled_at{};

  // Never reset while the connection lives: a store barrier already registered names the
  // serials it covers.
  fifo<held_packet> held;
  std::size_t held_unregistered = 0;  // held packets no store barrier covers yet
  std::uint64_t next_held_serial = 1;
  std::uint32_t unacknowledged_qos1 = 0;  // QoS 1 PUBLISH received, its PUBACK held
};

class connection_state final : public connection {
 public:
  connection_state(broker::impl& engine, link& transport, connection_info&& info,
                   const std::string& listener, timestamp now, std::uint32_t max_packet_size)
      : engine(engine),
        transport(transport),
        decoder(max_packet_size),
        remote_address(std::move(info.remote_address)),
        listener(listener),
        last_packet_at(info.accepted_at.value_or(now)),
        allow_anonymous(info.allow_anonymous) {
    if (!info.certificate_username.empty()) {
      use_extras().certificate_username = std::move(info.certificate_username);
    }
  }

  // The extras, allocated on first use; they stay until the connection is destroyed.
  connection_extras& use_extras() {
    if (!extras) {
      extras = std::make_unique<connection_extras>();
    }
    return *extras;
  }

  bool holds_packets() const { return extras && !extras->held.empty(); }
  std::uint32_t unacknowledged_qos1() const { return extras ? extras->unacknowledged_qos1 : 0; }
  const std::string& certificate_username() const {
    static const std::string none;
    return extras ? extras->certificate_username : none;
  }

  broker::impl& engine;
  link& transport;
  std::uint64_t id = 0;  // given by the connection table
  protocol::decoder decoder;
  std::string remote_address;   // "ip:port"
  const std::string& listener;  // shared by every connection of the listener
  session* owner = nullptr;
  // When the connection opened until the first packet (CONNECT), then the time of the latest.
  timestamp last_packet_at;
  std::unique_ptr<connection_extras> extras;

  connection_phase phase = connection_phase::awaiting_connect;
  protocol::protocol_version version = protocol::protocol_version::v3_1_1;
  bool allow_anonymous;
  bool publish_will_on_close = true;
  std::uint16_t keep_alive = 0;  // seconds, as negotiated

  // What a 5.0 client told us about itself in CONNECT.
  bool request_problem_information = true;
  std::uint16_t client_receive_maximum = 65535;
  std::uint16_t client_topic_alias_maximum = 0;
  std::uint32_t client_maximum_packet_size = 0;  // 0: no limit beyond the protocol's
};

}  // namespace telemq::core
