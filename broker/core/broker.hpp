#pragma once
// The broker engine: sessions, routing, retained messages and wills, with no I/O. Transports
// open a connection per socket and feed it bytes; the server calls tick() a few times a second
// so keep-alive, will delays and expiries fire. Everything runs on one thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "broker/core/access_control.hpp"
#include "broker/core/limits.hpp"
#include "broker/core/link.hpp"
#include "broker/core/log.hpp"
#include "broker/core/stats.hpp"
#include "broker/core/store.hpp"
#include "broker/core/time.hpp"
#include "broker/protocol/packets.hpp"

namespace telemq::core {

class broker;
class connection_state;

// What operators see of a session (the admin API, telemqctl).
struct session_info {
  std::string client_id;
  std::string username;
  bool online = false;
  std::string address;  // while online
  std::string listener;
  protocol::protocol_version version = protocol::protocol_version::v3_1_1;
  std::uint32_t expiry_interval = 0;
  std::uint16_t keep_alive = 0;
  std::size_t queued = 0;
  std::size_t inflight = 0;
  std::size_t subscriptions = 0;
  std::optional<timestamp> disconnected_at;
};

struct subscription_info {
  std::string client_id;
  std::string filter;
  protocol::subscribe_options options;
  std::uint32_t identifier = 0;
};

// Called with every message the broker accepts for routing (after access control): client
// publishes, wills and the broker's own. Taps such as the HTTP bridge's event stream use it.
using message_observer = std::function<void(const message_ptr&)>;

// One network connection's protocol state, owned by its transport.
class connection {
 public:
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // Bytes read from the socket, in order.
  void on_bytes(std::span<const std::uint8_t> bytes, timestamp now);
  // The transport finished a write: queued messages may flow again.
  void on_writable(timestamp now);
  // The socket is gone (peer closed, error, or after link::close()). Call once; the
  // connection may then be destroyed.
  void on_closed(timestamp now);

  // The client id once CONNECT was accepted, else empty.
  const std::string& client_id() const;

 protected:
  // Only the core's connection_state is one: the handle and the state are one allocation.
  // Not virtual (a vtable pointer in every connection): connection_ptr deletes the state.
  connection() = default;
  ~connection() = default;

 private:
  connection_state& state();
  const connection_state& state() const;
};

struct connection_deleter {
  void operator()(connection* c) const noexcept;
};
// The transport's handle of a connection the core opened.
using connection_ptr = std::unique_ptr<connection, connection_deleter>;

class broker {
 public:
  broker(broker_limits limits, store& storage, access_control& access, log_sink log, timestamp now);
  ~broker();
  broker(const broker&) = delete;
  broker& operator=(const broker&) = delete;

  // Rebuilds sessions, subscriptions, queues and retained messages from the store. Call once,
  // before the first connection.
  void restore(timestamp now);

  connection_ptr open(link& transport, connection_info info, timestamp now);

  // Fires keep-alive timeouts, connect timeouts, will delays, session and message expiry.
  void tick(timestamp now);

  // Sends 5.0 clients DISCONNECT 0x8B and closes every connection; stored state stays.
  void shutdown(timestamp now);

  // Publishes a message as the broker itself ($SYS topics, the HTTP bridge).
  void publish(message_ptr msg, timestamp now);

  void add_observer(message_observer observer);

  // Introspection and administration, for the admin API.
  std::vector<session_info> sessions() const;
  std::optional<session_info> find_session(std::string_view client_id) const;
  // Every subscription, or one client's when client_id is not empty.
  std::vector<subscription_info> subscriptions(std::string_view client_id = {}) const;
  // Closes the client's connection (5.0: DISCONNECT 0x98 Administrative action); false when it
  // is not connected.
  bool disconnect_client(std::string_view client_id, timestamp now);
  // Ends a session, online or not, with everything it holds; false when there is none.
  bool delete_session(std::string_view client_id, timestamp now);
  // Visits the retained messages whose topic matches filter.
  void retained_messages(std::string_view filter,
                         const std::function<void(const message_ptr&)>& visit) const;
  bool delete_retained(std::string_view topic);
  // Topic and payload bytes waiting in every session's queue (what max_queued_bytes counts per
  // session); visits every session.
  std::uint64_t queued_bytes() const;

  const broker_stats& stats() const;
  const broker_limits& limits() const;
  void set_limits(const broker_limits& limits);
  // Lines below this level are not even formatted (the sink still filters what it is given).
  void set_log_level(log_level level);

  class impl;

 private:
  std::unique_ptr<impl> impl_;
};

}  // namespace telemq::core
