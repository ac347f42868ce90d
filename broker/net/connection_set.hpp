#pragma once
// Every open connection of the broker thread, whatever its transport, so that the server can
// count them (in all and per listener), bound their number and end them at shutdown; and the
// batching of writes: a core callback may flush hundreds of connections (a publish fanned out),
// and each of them writes once after the callback returns instead of once per packet.
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/intrusive/list.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "broker/core/log.hpp"
#include "broker/net/listener_limits.hpp"

namespace telemq::net {

// How long a closing connection may take, by default, to deliver its last bytes and see the
// peer close.
inline constexpr std::chrono::seconds close_linger{5};

class connection_set;

using connection_timer =
    boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                      boost::asio::wait_traits<std::chrono::steady_clock>,
                                      boost::asio::io_context::executor_type>;

// The part of a connection the set sees. Connections are owned by shared pointers held in their
// pending Asio handlers; the set only links them.
class connection_base : public boost::intrusive::list_base_hook<>,
                        public std::enable_shared_from_this<connection_base> {
 public:
  virtual ~connection_base() = default;

 protected:
  friend class connection_set;
  // Starts writing what the core queued since the last write.
  virtual void write_queued() = 0;
  // Closes the socket now, whatever is unsent; the core then hears on_closed.
  virtual void abort() = 0;

 private:
  bool write_scheduled_ = false;
  // The listener that accepted it, when one was admitting (connection_set::admit).
  listener_counters* listener_ = nullptr;
};

class connection_set {
 public:
  connection_set(boost::asio::io_context& io, core::log_sink log);
  ~connection_set();
  connection_set(const connection_set&) = delete;
  connection_set& operator=(const connection_set&) = delete;

  // Counted against the listener that admit() runs for, if any.
  void add(connection_base& connection);
  // Safe to call for a connection that is not in the set. Drops its deadline.
  void remove(connection_base& connection);

  // The deadline timer of a connection that is starting or closing, created on first use. An
  // established connection has none, so the set keeps the few there are rather than every
  // connection a pointer to one.
  connection_timer& deadline(const connection_base& connection);
  // Destroys it (a pending wait completes with operation_aborted); nothing if there is none.
  void drop_deadline(const connection_base& connection);

  // A listener's counters, kept as long as the set so that they outlive the listener.
  listener_counters& add_listener(std::string url) {
    return listeners_.emplace_back(std::move(url));
  }
  // Every listener's counters, in the order they were added.
  const std::deque<listener_counters>& listeners() const { return listeners_; }
  // Runs start_connection(); the connections it adds (constructing a transport adds it) count
  // against listener until they leave the set.
  template <typename F>
  void admit(listener_counters& listener, F&& start_connection) {
    struct reset {
      listener_counters*& admitting;
      ~reset() { admitting = nullptr; }
    } guard{admitting_};
    admitting_ = &listener;
    std::forward<F>(start_connection)();
  }

  // Calls connection.write_queued() once the running handler returns, together with every other
  // connection scheduled meanwhile.
  void schedule_write(connection_base& connection);
  // Starts the scheduled writes now. A read handler calls it once the core has taken the bytes,
  // so the packets they caused leave before the reactor is polled again.
  void write_scheduled();

  std::size_t size() const { return live_.size(); }
  // 0: no limit other than the process's file descriptors.
  void set_max_connections(std::size_t limit) { max_connections_ = limit; }
  bool full() const { return max_connections_ != 0 && live_.size() >= max_connections_; }

  std::chrono::milliseconds close_linger() const { return close_linger_; }
  void set_close_linger(std::chrono::milliseconds linger) { close_linger_ = linger; }

  // Aborts every connection (the end of a bounded shutdown).
  void abort_all();
  // Runs done once, as soon as the set is empty (at once if it is).
  void when_empty(std::function<void()> done);

  boost::asio::io_context& io() const { return io_; }
  const core::log_sink& log() const { return log_; }

 private:
  boost::asio::io_context& io_;
  core::log_sink log_;
  boost::intrusive::list<connection_base> live_;
  std::vector<std::shared_ptr<connection_base>> to_write_;
  std::unordered_map<const connection_base*, std::unique_ptr<connection_timer>> deadlines_;
  std::function<void()> on_empty_;
  std::deque<listener_counters> listeners_;  // a deque: references stay valid as it grows
  listener_counters* admitting_ = nullptr;
  std::size_t max_connections_ = 0;
  bool write_posted_ = false;
  std::chrono::milliseconds close_linger_ = net::close_linger;
};

}  // namespace telemq::net
