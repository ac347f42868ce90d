#pragma once
// The broker engine's state and operations. Each operation lives in its own file:
// connect_handler.cpp, publish_handler.cpp, subscribe_handler.cpp, delivery.cpp, routing.cpp,
// session_lifecycle.cpp, connection.cpp, broker.cpp.
#include <fmt/core.h>

#include <cstdint>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "broker/core/access_control.hpp"
#include "broker/core/broker.hpp"
#include "broker/core/connection_state.hpp"
#include "broker/core/connection_table.hpp"
#include "broker/core/limits.hpp"
#include "broker/core/log.hpp"
#include "broker/core/retained_store.hpp"
#include "broker/core/session.hpp"
#include "broker/core/stats.hpp"
#include "broker/core/store.hpp"
#include "broker/core/topic_tree.hpp"
#include "broker/protocol/packets.hpp"

namespace telemq::core {

// One subscriber of a routed message, after overlapping subscriptions were merged.
struct route_target {
  session* target = nullptr;
  protocol::qos qos_level = protocol::qos::at_most_once;
  bool retain_as_published = false;
  bool shared = false;
  std::vector<std::uint32_t> identifiers;
};

// Sessions are keyed by their own client id, so the id is stored once, in the session.
struct session_id_hash {
  using is_transparent = void;
  // Not noexcept: libstdc++ then keeps each node's hash, and neither a lookup nor a rehash
  // hashes a client id again.
  std::size_t operator()(std::string_view client_id) const {
    return std::hash<std::string_view>{}(client_id);
  }
  std::size_t operator()(const std::unique_ptr<session>& s) const { return (*this)(s->client_id); }
};

struct session_id_equal {
  using is_transparent = void;
  static std::string_view id(std::string_view client_id) { return client_id; }
  static std::string_view id(const std::unique_ptr<session>& s) { return s->client_id; }
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return id(a) == id(b);
  }
};

using session_set = std::unordered_set<std::unique_ptr<session>, session_id_hash, session_id_equal>;

enum class route_outcome : unsigned char { delivered, no_subscribers, quota_exceeded };

class broker::impl {
 public:
  impl(broker_limits limits, store& storage, access_control& access, log_sink log, timestamp now);

  // connection.cpp
  void on_bytes(connection_state& c, std::span<const std::uint8_t> bytes, timestamp now);
  void on_packet(connection_state& c, protocol::packet&& p, timestamp now);
  void on_closed(connection_state& c, timestamp now);
  void send(connection_state& c, const protocol::packet& p);
  // Sends an acknowledgement (or a QoS 2 PUBLISH to a stored session) once everything the store
  // was given so far is durable, in order with the packets held before it.
  void hold(connection_state& c, protocol::packet_type type, std::uint16_t packet_id,
            protocol::reason_code reason, bool dup);
  void release_held(connection_state& c);
  // Writes one packet that was held (or needed no holding); true when it was an
  // acknowledgement appended to the output, which the caller flushes.
  bool send_held(connection_state& c, const held_packet& h);
  void register_barrier(connection_state& c);
  // Registers one store barrier per connection that holds packets no barrier covers yet; called
  // as every entry point returns.
  void register_barriers();
  // Ends the connection for a protocol violation: a 5.0 client gets DISCONNECT with reason.
  void fail(connection_state& c, protocol::reason_code reason, std::string_view why);
  void refuse_first_packet(connection_state& c, std::string_view why);
  void disconnect(connection_state& c, protocol::reason_code reason);

  // connect_handler.cpp
  void on_connect(connection_state& c, protocol::connect_packet&& p, timestamp now);
  void refuse_connect(connection_state& c, protocol::protocol_version version,
                      protocol::reason_code reason, std::string_view why);

  // publish_handler.cpp: packets a client sends about its own publications and our deliveries
  void on_publish(connection_state& c, protocol::publish_packet&& p, timestamp now);
  void on_puback(connection_state& c, const protocol::puback_packet& p, timestamp now);
  void on_pubrec(connection_state& c, const protocol::pubrec_packet& p, timestamp now);
  void on_pubrel(connection_state& c, const protocol::pubrel_packet& p, timestamp now);
  void on_pubcomp(connection_state& c, const protocol::pubcomp_packet& p, timestamp now);
  void on_disconnect(connection_state& c, const protocol::disconnect_packet& p, timestamp now);

  // subscribe_handler.cpp
  void on_subscribe(connection_state& c, protocol::subscribe_packet&& p, timestamp now);
  void on_unsubscribe(connection_state& c, const protocol::unsubscribe_packet& p);

  // routing.cpp
  route_outcome route(const std::shared_ptr<message>& msg, const session* publisher, timestamp now);
  void set_retained(const std::shared_ptr<message>& msg);

  // delivery.cpp
  // Hands one message to a session: sends it, or queues it. False when the queue refused it.
  bool deliver(session& s, const message_ptr& msg, protocol::qos qos_level, bool retain,
               std::vector<std::uint32_t> identifiers, timestamp now);
  bool enqueue(session& s, delivery&& d);
  void start(session& s, connection_state& c, delivery&& d, timestamp now);
  bool can_send(const connection_state& c, protocol::qos level) const;
  void forget_stored(session& s, const delivery& d);
  protocol::publish_view publish_view_of(connection_state& c, const delivery& d, bool dup,
                                         timestamp now);
  // Moves queued messages into flight while the client can take them.
  void pump(session& s, timestamp now);
  // On session resume: PUBLISH (DUP) and PUBREL again for what was in flight [MQTT-4.4.0-1].
  void resend_inflight(session& s, timestamp now);
  void send_publish(connection_state& c, const delivery& d, bool dup, timestamp now);
  void store_message_once(const message_ptr& msg);

  // session_lifecycle.cpp
  session& create_session(const std::string& client_id, protocol::protocol_version version,
                          std::uint32_t expiry);
  void save_session(session& s);
  void end_session(session& s, timestamp now);  // publishes a pending will, forgets everything
  void detach(connection_state& c, timestamp now);
  void publish_will(session& s, timestamp now);
  void expire(timestamp now);
  void remove_subscriptions(session& s);

  std::string assign_client_id();
  bool may(const session& s, std::string_view topic, access kind);
  // Formats a line only when the configured level lets it through: most lines are info, and a
  // busy broker runs at warn.
  template <typename... Args>
  void log(log_level level, fmt::format_string<Args...> format, Args&&... args) const {
    if (logger && level >= log_threshold) {
      logger(level, fmt::format(format, std::forward<Args>(args)...));
    }
  }

  broker_limits limits;
  store& storage;
  access_control& access_rules;
  log_sink logger;
  log_level log_threshold = log_level::trace;
  broker_stats stats;

  topic_tree subscriptions;
  retained_store retained;
  session_set sessions;
  connection_table connections;
  // Every listener name seen; connections refer to these instead of holding a copy each.
  std::set<std::string, std::less<>> listener_names;

  std::uint64_t next_message_id = 1;
  std::uint64_t assigned_id_counter;
  timestamp last_expiry_scan;
  timestamp current_time;  // the latest time an entry point was given, for store callbacks
  std::vector<message_observer> observers;
  std::vector<route_target> route_scratch;      // reused so routing allocates nothing per message
  std::vector<std::uint64_t> awaiting_barrier;  // connections with held_unregistered > 0
};

}  // namespace telemq::core
