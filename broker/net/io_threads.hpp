#pragma once
// The I/O threads beside the broker thread (--threads N runs N-1 of them). Each has its own
// io_context and the two mailboxes of its relayed connections (relay_channel.hpp); it runs the
// sockets, TLS and system calls of the connections given to it, while their MQTT state stays on
// the broker thread.
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/intrusive/list.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "broker/net/mailbox.hpp"
#include "broker/net/relay_channel.hpp"

namespace telemq::net {

class io_thread {
 public:
  // Starts the thread at once.
  io_thread(boost::asio::io_context& broker_io, std::string name);
  ~io_thread();
  io_thread(const io_thread&) = delete;
  io_thread& operator=(const io_thread&) = delete;

  boost::asio::io_context& io() { return io_; }
  boost::asio::io_context& broker_io() { return broker_io_; }
  mailbox& to_io() { return to_io_; }
  mailbox& to_broker() { return to_broker_; }

  // I/O thread: the channels whose stream exists, ended if the thread stops before them.
  void track(relay_channel& channel) { streams_.push_back(channel); }
  void untrack(relay_channel& channel) { streams_.erase(streams_.iterator_to(channel)); }

  // Ends the streams still open, lets their operations finish and joins the thread. Call it
  // once the broker thread is done with its connections.
  void stop();

 private:
  boost::asio::io_context& broker_io_;
  boost::asio::io_context io_{1};
  // Keeps io_.run() going while no connection is open, until stop().
  using work_executor =
      decltype(boost::asio::prefer(std::declval<boost::asio::io_context::executor_type>(),
                                   boost::asio::execution::outstanding_work.tracked));
  std::optional<work_executor> work_;
  mailbox to_io_{io_};
  mailbox to_broker_;
  boost::intrusive::list<relay_channel> streams_;  // I/O thread only
  std::thread thread_;
};

// Hands out new connections in turn: to the broker thread itself, then to each I/O thread. The
// broker thread keeps its share: a connection it serves costs no hand-off, and leaving it only
// the core made it wait on the others (fan-in QoS 1 on two threads: 1.6 million msg/s with its
// share, 1.3 million without).
class io_threads {
 public:
  // threads: the broker thread included, so 1 starts none.
  io_threads(boost::asio::io_context& broker_io, std::size_t threads);

  // The thread for the next connection; null when it is the broker thread's turn.
  io_thread* next();
  // Every thread, the broker thread included.
  std::size_t size() const { return threads_.size() + 1; }
  void stop();

 private:
  std::vector<std::unique_ptr<io_thread>> threads_;
  std::size_t turn_ = 0;
};

// The CPUs this process may run on (its affinity mask), at least 1.
std::size_t usable_cpus();

// The thread count when none is configured: one fewer than the CPUs, at least one. The CPU left
// over does the kernel's TCP work for the broker's sockets, the SQLite writer and whatever else
// runs on the host; with 2 CPUs, 1 thread beat 2 in every benchmark (docs/performance.md).
std::size_t default_thread_count(std::size_t cpus);

}  // namespace telemq::net
