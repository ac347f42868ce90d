#pragma once
// The TLS stream adapter of stream_connection (see stream_connection.hpp). Its start is the
// server handshake; with use_identity_as_username the verified certificate's Common Name becomes
// the connection's certificate_username, and a certificate without one fails the start.
//
// TLS reads go through OpenSSL's own buffers, so this adapter cannot share a read buffer across
// connections the way tcp_stream does; it allocates one on the first read. It runs on an Asio
// socket (accepted_socket.hpp's to_asio_socket), which Asio's SSL stream is built for.
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>

#include "broker/core/link.hpp"
#include "broker/net/accepted_socket.hpp"
#include "broker/net/tls_context.hpp"

namespace telemq::net {

class tls_stream {
 public:
  // One TLS record's worth of plaintext.
  static constexpr std::size_t read_buffer_size = 16 * 1024;

  tls_stream(tcp_socket socket, std::shared_ptr<boost::asio::ssl::context> context,
             bool identity_as_username)
      : context_(std::move(context)),
        stream_(std::move(socket), *context_),
        identity_as_username_(identity_as_username) {}

  template <typename Handler>
  void async_start(core::connection_info info, Handler&& handler) {
    stream_.async_handshake(
        boost::asio::ssl::stream_base::server,
        [this, info = std::move(info),
         handler = std::forward<Handler>(handler)](boost::system::error_code ec) mutable {
          if (!ec && identity_as_username_) {
            info.certificate_username = peer_common_name(stream_.native_handle());
            if (info.certificate_username.empty()) {
              ec = boost::asio::error::access_denied;
            }
          }
          handler(ec, std::move(info));
        });
  }

  template <typename Handler>
  void async_read(Handler&& handler) {
    if (!read_buffer_) {
      read_buffer_ = std::make_unique<std::uint8_t[]>(read_buffer_size);
    }
    stream_.async_read_some(boost::asio::buffer(read_buffer_.get(), read_buffer_size),
                            [this, handler = std::forward<Handler>(handler)](
                                const boost::system::error_code& ec, std::size_t n) mutable {
                              handler(ec, std::span<const std::uint8_t>(read_buffer_.get(), n));
                            });
  }

  template <typename Handler>
  void async_write(std::span<const std::uint8_t> bytes, Handler&& handler) {
    boost::asio::async_write(
        stream_, boost::asio::buffer(bytes.data(), bytes.size()),
        [handler = std::forward<Handler>(handler)](const boost::system::error_code& ec,
                                                   std::size_t) mutable { handler(ec); });
  }

  template <typename Handler>
  void async_shutdown(Handler&& handler) {
    stream_.async_shutdown(std::forward<Handler>(handler));
  }

  void close() {
    boost::system::error_code ignored;
    stream_.next_layer().close(ignored);
  }

 private:
  std::shared_ptr<boost::asio::ssl::context> context_;  // kept alive for stream_
  boost::asio::ssl::stream<tcp_socket> stream_;
  std::unique_ptr<std::uint8_t[]> read_buffer_;
  bool identity_as_username_;
};

}  // namespace telemq::net
