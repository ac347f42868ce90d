#pragma once
// The plain TCP stream adapter of stream_connection (see stream_connection.hpp).
//
// It reads into one buffer shared by every TCP connection of the thread: an idle connection holds
// no read buffer at all, and the core copies what it keeps into its decoder before the next read
// can happen. So it cannot leave a read pending in Asio with its own buffer; it waits for
// readability and then reads. Asio re-arms the socket in epoll (an epoll_ctl) for every such
// wait, so when bytes are probably waiting already (nothing read yet: a client sends CONNECT
// right after connecting; or the last read filled the buffer) it reads first, from a posted
// handler, and waits only if the socket turns out empty.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <span>
#include <utility>

#include "broker/core/link.hpp"

namespace telemq::net {

// Sockets bound to the io_context's own executor: no type-erased executor on every operation.
using tcp_socket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

// The thread's shared read buffer.
std::span<std::uint8_t> shared_read_buffer();

class tcp_stream {
 public:
  // socket must be non-blocking (tcp_listener makes accepted sockets so).
  explicit tcp_stream(tcp_socket socket) : socket_(std::move(socket)) {}

  template <typename Handler>
  void async_start(core::connection_info info, Handler&& handler) {
    std::forward<Handler>(handler)(boost::system::error_code{}, std::move(info));
  }

  template <typename Handler>
  void async_read(Handler&& handler) {
    if (bytes_likely_) {
      boost::asio::post(socket_.get_executor(),
                        [this, handler = std::forward<Handler>(handler)]() mutable {
                          read_now(std::move(handler));
                        });
      return;
    }
    wait_then_read(std::forward<Handler>(handler));
  }

  template <typename Handler>
  void async_write(std::span<const std::uint8_t> bytes, Handler&& handler) {
    boost::asio::async_write(
        socket_, boost::asio::buffer(bytes.data(), bytes.size()),
        [handler = std::forward<Handler>(handler)](const boost::system::error_code& ec,
                                                   std::size_t) mutable { handler(ec); });
  }

  template <typename Handler>
  void async_shutdown(Handler&& handler) {
    boost::system::error_code ec;
    socket_.shutdown(tcp_socket::shutdown_send, ec);
    boost::asio::post(socket_.get_executor(),
                      [handler = std::forward<Handler>(handler), ec]() mutable { handler(ec); });
  }

  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  tcp_socket& socket() { return socket_; }

 private:
  template <typename Handler>
  void wait_then_read(Handler&& handler) {
    socket_.async_wait(tcp_socket::wait_read, [this, handler = std::forward<Handler>(handler)](
                                                  boost::system::error_code ec) mutable {
      if (ec) {
        handler(ec, std::span<const std::uint8_t>());
        return;
      }
      read_now(std::move(handler));
    });
  }

  template <typename Handler>
  void read_now(Handler&& handler) {
    const auto buffer = shared_read_buffer();
    boost::system::error_code ec;
    const std::size_t n = socket_.read_some(boost::asio::buffer(buffer.data(), buffer.size()), ec);
    if (ec == boost::asio::error::would_block) {
      bytes_likely_ = false;
      wait_then_read(std::forward<Handler>(handler));
      return;
    }
    bytes_likely_ = !ec && n == buffer.size();
    handler(ec, std::span<const std::uint8_t>(buffer.data(), n));
  }

  tcp_socket socket_;
  bool bytes_likely_ = true;
};

}  // namespace telemq::net
