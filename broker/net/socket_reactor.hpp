#pragma once
// One epoll set per io_context for the plain TCP sockets of MQTT connections.
//
// Asio's reactor keeps a 168-byte state object per socket and allocates an operation for every
// wait; for an idle MQTT connection that was a quarter of its memory. Here a socket is
// registered once, edge-triggered for reading, writing and the peer's close, and its readiness
// goes to its tcp_stream: per socket, one 8-byte slot; per wait, nothing. The set is
// itself one descriptor in Asio's reactor, so timers, TLS, WebSocket and the admin API keep
// running on Asio in the same thread, and one wake-up of it reports every ready socket.
#include <sys/epoll.h>

#include <array>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/basic_stream_descriptor.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <vector>

namespace telemq::net {

class tcp_stream;

// Only tcp_stream registers here: the slots point at streams, with no interface between them
// (a vtable pointer would cost every idle connection 8 bytes).
class socket_reactor final : public boost::asio::execution_context::service {
 public:
  using slot = std::uint32_t;

  static boost::asio::execution_context::id id;

  explicit socket_reactor(boost::asio::execution_context& context);
  ~socket_reactor() override;

  // The reactor of io's thread, created on first use.
  static socket_reactor& of(boost::asio::io_context& io);

  boost::asio::io_context& io() { return io_; }

  // Registers the descriptor; readiness that is there already is reported too. A stream may
  // hear of readiness that is gone by the time it acts (a slot is reused while reports for its
  // last socket are still being handed out), as with any edge-triggered poller.
  slot watch(int descriptor, tcp_stream& stream, boost::system::error_code& ec);
  // Before the descriptor is closed: nothing more is reported to the slot's stream.
  void forget(slot s);

 private:
  void shutdown() override;
  void wait();
  void drain();

  // Readiness fetched per system call.
  static constexpr int batch_size = 256;

  boost::asio::io_context& io_;
  boost::asio::posix::basic_stream_descriptor<boost::asio::io_context::executor_type> set_;
  // A slot holds its stream's address, or when free, (next free slot << 1) | 1: addresses are
  // even. The free list ends with slot 0, which is never handed out.
  std::vector<std::uintptr_t> slots_{1};
  slot first_free_ = 0;
  std::size_t watched_ = 0;
  std::array<epoll_event, batch_size> batch_{};
  // Asio's reactor waits for the set only while it holds sockets: a pending wait would keep
  // io_context::run from returning. draining_ also covers a drain posted to come back.
  bool waiting_ = false;
  bool draining_ = false;
  bool shut_down_ = false;
};

}  // namespace telemq::net
