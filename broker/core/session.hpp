#pragma once
// The state of one MQTT session: it outlives its network connection when the client asked for
// that (3.1.1 clean session 0, 5.0 Session Expiry Interval above 0).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "broker/core/fifo.hpp"
#include "broker/core/message.hpp"
#include "broker/core/store.hpp"
#include "broker/core/time.hpp"

namespace telemq::core {

class connection_state;

inline constexpr std::uint32_t session_never_expires = 0xFFFFFFFF;

// One message on its way to this session's client.
struct delivery {
  message_ptr msg;
  protocol::qos qos_level = protocol::qos::at_most_once;
  bool retain = false;
  delivery_state state = delivery_state::queued;
  std::uint16_t packet_id = 0;
  std::uint64_t sequence = 0;
  bool stored = false;  // a row exists in the store for it
  std::vector<std::uint32_t> subscription_identifiers;
};

struct session_subscription {
  protocol::subscribe_options options;
  std::uint32_t identifier = 0;
};

// What a session needs only while messages are on their way, in either direction. Allocated at
// the first queued or in-flight delivery or QoS 2 PUBLISH received, and given back once it is
// empty again (see broker::impl::expire): an idle session holds a null pointer.
struct session_traffic {
  fifo<delivery> queue;                             // waiting for an in-flight slot or the client
  std::map<std::uint16_t, delivery> inflight;       // sent, not yet completed
  std::unordered_set<std::uint16_t> incoming_qos2;  // QoS 2 ids received, PUBREL not yet
  std::size_t queued_bytes = 0;

  bool empty() const { return queue.empty() && inflight.empty() && incoming_qos2.empty(); }
};

struct session_will {
  stored_will record;
  std::optional<timestamp> due;  // a delayed will waiting to be published
};

class session {
 public:
  session(std::string client_id, protocol::protocol_version version, std::uint32_t expiry)
      : client_id(std::move(client_id)), expiry_interval(expiry), version(version) {}

  bool persistent() const { return expiry_interval > 0; }
  bool online() const { return connection != nullptr; }

  session_traffic& use_traffic() {
    if (!traffic) {
      traffic = std::make_unique<session_traffic>();
    }
    return *traffic;
  }
  bool queue_empty() const { return !traffic || traffic->queue.empty(); }
  std::size_t queued() const { return traffic ? traffic->queue.size() : 0; }
  std::size_t queued_bytes() const { return traffic ? traffic->queued_bytes : 0; }
  std::size_t inflight_count() const { return traffic ? traffic->inflight.size() : 0; }
  std::size_t incoming_qos2_count() const { return traffic ? traffic->incoming_qos2.size() : 0; }
  // The in-flight delivery with this packet identifier, or null.
  delivery* find_inflight(std::uint16_t packet_id);

  // A packet identifier no in-flight delivery uses [MQTT-2.3.1-2]; 0 when all are taken.
  std::uint16_t allocate_packet_id();

  // The record the store keeps for this session.
  stored_session record() const;
  stored_delivery delivery_record(const delivery& d) const;

  std::string client_id;
  std::string username;
  std::map<std::string, session_subscription, std::less<>> subscriptions;
  std::unique_ptr<session_traffic> traffic;
  std::unique_ptr<session_will> will;
  std::optional<timestamp> disconnected_at;
  connection_state* connection = nullptr;  // the client's connection while it is online
  std::uint64_t next_sequence = 1;
  std::uint32_t expiry_interval;  // seconds
  protocol::protocol_version version;
  bool stored = false;  // the store holds a record of this session
  std::uint16_t next_packet_id = 1;
};

}  // namespace telemq::core
