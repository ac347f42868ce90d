#pragma once
// A batch of store calls, and the net effect they have: what SQLite must do so the database ends
// exactly as if every call had been applied in order. Most of a broker's writes cancel out
// within one batch (a message acknowledged by its subscriber before the batch commits is never
// written at all), so the plan is often much smaller than the batch.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "broker/core/store.hpp"

namespace telemq::persistence {

// One store call as it was made, in the words of core::store.
struct save_session_op {
  core::stored_session session;
};
struct delete_session_op {
  std::string client_id;
};
struct save_subscription_op {
  core::stored_subscription subscription;
};
struct delete_subscription_op {
  std::string client_id;
  std::string filter;
};
struct save_retained_op {
  core::message_ptr msg;
};
struct delete_retained_op {
  std::string topic;
};
struct save_message_op {
  core::message_ptr msg;
};
struct save_delivery_op {
  core::stored_delivery delivery;
};
struct delete_delivery_op {
  std::string client_id;
  std::uint64_t message_id = 0;
};
struct save_incoming_qos2_op {
  std::string client_id;
  std::uint16_t packet_id = 0;
};
struct delete_incoming_qos2_op {
  std::string client_id;
  std::uint16_t packet_id = 0;
};

using operation =
    std::variant<save_session_op, delete_session_op, save_subscription_op, delete_subscription_op,
                 save_retained_op, delete_retained_op, save_message_op, save_delivery_op,
                 delete_delivery_op, save_incoming_qos2_op, delete_incoming_qos2_op>;

// A client's row in a table keyed by (client id, something).
template <class T>
struct client_key {
  std::string client_id;
  T item;
  bool operator==(const client_key&) const = default;
};

struct client_key_hash {
  template <class T>
  std::size_t operator()(const client_key<T>& key) const noexcept {
    const std::size_t h = std::hash<std::string>{}(key.client_id);
    return h ^ (std::hash<T>{}(key.item) + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2));
  }
};

template <class T, class Value>
using client_map = std::unordered_map<client_key<T>, Value, client_key_hash>;

// What to write for one batch. Executed in the order of the fields: first every row of each
// client in deleted_sessions, then upserts and deletes per table (each key has one net change,
// so their order does not matter), and last the orphan check on candidate messages.
struct write_plan {
  // delete_session: the session, its subscriptions, deliveries and QoS 2 ids. Calls about these
  // clients made before the delete are already removed from the maps below.
  std::unordered_set<std::string> deleted_sessions;
  std::unordered_map<std::string, core::stored_session> sessions;
  client_map<std::string, std::optional<core::stored_subscription>>
      subscriptions;                                            // nullopt: delete
  std::unordered_map<std::string, core::message_ptr> retained;  // null: delete
  std::vector<core::message_ptr> messages;  // in save order; cancelled ones are null
  client_map<std::uint64_t, std::optional<core::stored_delivery>> deliveries;  // nullopt: delete
  client_map<std::uint16_t, bool> incoming_qos2;                               // true: insert
  // Messages that lost a delivery saved earlier in this batch; the writer adds those whose
  // delivery a DELETE removed from the file. Each is deleted if no delivery names it once the
  // rest of the plan is applied. Checking the final state, not after each delete, keeps a
  // message that the batch hands on to another session (save_delivery to B, then delete A's).
  std::unordered_set<std::uint64_t> orphan_candidates;

  // Row changes the plan asks for; a deleted session counts as one.
  std::size_t size() const;
  bool empty() const { return size() == 0; }
};

// Folds a batch into its plan, consuming the operations.
write_plan plan_batch(std::vector<operation>& batch);

}  // namespace telemq::persistence
