#pragma once
// The persistence boundary. The core describes every change to durable state as a call on a
// store, in the order it happens; a store applies them in that order. after_durable() is the
// durability barrier of docs/durability.md: the core sends PUBACK, PUBREC, PUBCOMP (and PUBREL,
// and a QoS 2 PUBLISH to a stored session) only from inside such a callback.
//
// Only sessions that outlive their connection are stored: 3.1.1 clean session 0, or a 5.0
// Session Expiry Interval above 0. Retained messages are always stored.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "broker/core/message.hpp"
#include "broker/protocol/packets.hpp"

namespace telemq::core {

struct stored_will {
  message_ptr msg;
  std::uint32_t delay_interval = 0;  // seconds (5.0 Will Delay Interval)
};

struct stored_session {
  std::string client_id;
  protocol::protocol_version version = protocol::protocol_version::v3_1_1;
  std::uint32_t expiry_interval = 0;  // seconds; 0xFFFFFFFF never expires
  std::optional<stored_will> will;
  // When the client went offline; nothing while it is connected.
  std::optional<timestamp> disconnected_at;
  std::string username;  // for ACL checks on queued messages after a restart
};

struct stored_subscription {
  std::string client_id;
  std::string filter;  // as subscribed, $share/group/... included
  protocol::subscribe_options options;
  std::uint32_t identifier = 0;  // 0 when none
};

enum class delivery_state : std::uint8_t {
  queued = 0,        // not sent yet (no packet identifier)
  publish_sent = 1,  // PUBLISH sent with packet_id, awaiting PUBACK / PUBREC
  pubrel_sent = 2,   // PUBREC received, PUBREL sent, awaiting PUBCOMP
};

struct stored_delivery {
  std::string client_id;
  std::uint64_t message_id = 0;
  std::uint64_t sequence = 0;  // order within the session's queue
  protocol::qos qos_level = protocol::qos::at_least_once;
  bool retain = false;  // the RETAIN flag this delivery carries
  delivery_state state = delivery_state::queued;
  std::uint16_t packet_id = 0;
  std::vector<std::uint32_t> subscription_identifiers;
};

// Everything a store holds, as read at start-up. Messages referenced by deliveries are given
// once in messages; deliveries name them by id.
struct store_snapshot {
  std::vector<stored_session> sessions;
  std::vector<stored_subscription> subscriptions;
  std::vector<message_ptr> messages;
  std::vector<stored_delivery> deliveries;
  std::vector<std::pair<std::string, std::uint16_t>> incoming_qos2;  // client id, packet id
  std::vector<message_ptr> retained;
};

class store {
 public:
  virtual ~store() = default;

  virtual store_snapshot load() = 0;

  // Insert or replace. Deleting a session deletes its subscriptions, deliveries and QoS 2 ids.
  virtual void save_session(const stored_session& session) = 0;
  virtual void delete_session(const std::string& client_id) = 0;

  virtual void save_subscription(const stored_subscription& subscription) = 0;
  virtual void delete_subscription(const std::string& client_id, const std::string& filter) = 0;

  // msg->retain is set; an empty payload never reaches the store (it is a delete).
  virtual void save_retained(const message_ptr& msg) = 0;
  virtual void delete_retained(const std::string& topic) = 0;

  // A message is added once, before the first delivery that names it, with msg->id set. The
  // store deletes it when its last delivery is deleted.
  virtual void save_message(const message_ptr& msg) = 0;
  // Insert or replace the delivery (client_id, message_id).
  virtual void save_delivery(const stored_delivery& delivery) = 0;
  virtual void delete_delivery(const std::string& client_id, std::uint64_t message_id) = 0;

  // QoS 2 packet identifiers received from a client and not yet released by PUBREL.
  virtual void save_incoming_qos2(const std::string& client_id, std::uint16_t packet_id) = 0;
  virtual void delete_incoming_qos2(const std::string& client_id, std::uint16_t packet_id) = 0;

  // Runs done on the broker's thread once every call made before it is durable. Callbacks run
  // in the order they were registered.
  virtual void after_durable(std::function<void()> done) = 0;

  // Whether calls made since the last barrier still wait to become durable; lets the core skip
  // the barrier when nothing was written.
  virtual bool has_pending_writes() const = 0;
};

}  // namespace telemq::core
