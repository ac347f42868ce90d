#pragma once
// A connection's socket as the listener accepted it: the descriptor, non-blocking and with
// TCP_NODELAY (inherited from the listening socket), and its protocol, owned until a stream
// adapter takes it. A bare descriptor rather than an Asio socket, because the plain TCP stream
// never enters Asio's reactor (socket_reactor.hpp) and the relay moves it to another thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <utility>

namespace telemq::net {

// Sockets bound to the io_context's own executor: no type-erased executor on every operation.
using tcp_socket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

class accepted_socket {
 public:
  accepted_socket(int descriptor, boost::asio::ip::tcp protocol)
      : descriptor_(descriptor), protocol_(protocol) {}
  accepted_socket(accepted_socket&& other) noexcept
      : descriptor_(std::exchange(other.descriptor_, -1)), protocol_(other.protocol_) {}
  accepted_socket& operator=(accepted_socket&&) = delete;
  accepted_socket(const accepted_socket&) = delete;
  accepted_socket& operator=(const accepted_socket&) = delete;
  ~accepted_socket();

  int descriptor() const { return descriptor_; }
  boost::asio::ip::tcp protocol() const { return protocol_; }
  // The caller owns the descriptor now.
  int release() { return std::exchange(descriptor_, -1); }

 private:
  int descriptor_ = -1;
  boost::asio::ip::tcp protocol_ = boost::asio::ip::tcp::v4();
};

// For streams built on Asio sockets (TLS, WebSocket): the socket registered with io's reactor.
// When that fails the socket comes back closed, and the stream's first operation reports it.
tcp_socket to_asio_socket(boost::asio::io_context& io, accepted_socket socket);

}  // namespace telemq::net
