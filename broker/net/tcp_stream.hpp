#pragma once
// The plain TCP stream adapter of stream_connection (see stream_connection.hpp), on the thread's
// socket_reactor rather than an Asio socket: an idle connection is a registered descriptor and
// its stored read handler, nothing else.
//
// It reads into the thread's shared_read_buffer(). Readiness is edge-triggered, so the stream
// remembers what the reactor reported: readable until a read comes back short, writable until a
// write would block. The first read is tried before any wait (a client sends CONNECT right after
// connecting), and the socket joins the reactor only when it first has to wait.
//
// Reads, writes and shutdowns never complete inside the call that started them: one that is done
// at once is posted. A read that had to wait completes from the reactor's report.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <span>
#include <utility>

#include "broker/core/link.hpp"
#include "broker/net/accepted_socket.hpp"
#include "broker/net/inline_handler.hpp"
#include "broker/net/socket_reactor.hpp"

namespace telemq::net {

class tcp_stream final {
 public:
  using error_code = boost::system::error_code;

  tcp_stream(boost::asio::io_context& io, accepted_socket socket)
      : reactor_(&socket_reactor::of(io)), descriptor_(socket.release()) {}
  // Only before the first wait: the reactor knows a registered stream by its address.
  tcp_stream(tcp_stream&& other) noexcept;
  tcp_stream& operator=(tcp_stream&&) = delete;
  ~tcp_stream();

  template <typename Handler>
  void async_start(core::connection_info info, Handler&& handler) {
    std::forward<Handler>(handler)(error_code{}, std::move(info));
  }

  template <typename Handler>
  void async_read(Handler&& handler) {
    if (readable_ || descriptor_ < 0) {
      post([this, handler = std::forward<Handler>(handler)]() mutable {
        read_now(std::move(handler));
      });
      return;
    }
    read_handler_ = std::forward<Handler>(handler);
    wait();
  }

  template <typename Handler>
  void async_write(std::span<const std::uint8_t> bytes, Handler&& handler) {
    unwritten_data_ = bytes.data();
    unwritten_size_ = static_cast<std::uint32_t>(bytes.size());
    write_handler_ = std::forward<Handler>(handler);
    if (writable_ || descriptor_ < 0) {
      write_now();
    } else {
      wait();
    }
  }

  template <typename Handler>
  void async_shutdown(Handler&& handler) {
    const error_code ec = shutdown_send();
    post([handler = std::forward<Handler>(handler), ec]() mutable { handler(ec); });
  }

  // Pending operations complete with operation_aborted.
  void close();

 private:
  using read_handler = inline_handler<void(const error_code&, std::span<const std::uint8_t>)>;
  using write_handler = inline_handler<void(const error_code&)>;

  friend class socket_reactor;
  // From the reactor. events: EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLHUP, EPOLLERR.
  void on_ready(std::uint32_t events);
  // The io_context is shutting down: drops the pending handlers without calling them.
  void abandon();

  template <typename F>
  void post(F&& f) {
    boost::asio::post(reactor_->io(), std::forward<F>(f));
  }

  // Calls handler with the bytes read, the end of the stream or an error; or stores it and waits
  // when there is nothing to read.
  void read_now(read_handler handler);
  // Writes until done (the handler is posted), an error (likewise), or the socket is full.
  void write_now();
  // Joins the reactor if not yet; a failure ends the pending operations.
  void wait();
  error_code shutdown_send();
  void fail_pending(const error_code& ec);

  // Laid out without padding: an idle connection is mostly this.
  socket_reactor* reactor_;
  int descriptor_;
  socket_reactor::slot slot_ = 0;  // 0 until it joins the reactor
  read_handler read_handler_;
  write_handler write_handler_;
  // The rest of the write in progress (a packet is far below 4 GiB).
  const std::uint8_t* unwritten_data_ = nullptr;
  std::uint32_t unwritten_size_ = 0;
  bool readable_ = true;
  bool writable_ = true;
};

}  // namespace telemq::net
