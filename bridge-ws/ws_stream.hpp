#pragma once
// The WebSocket stream adapter of net::stream_connection (see broker/net/stream_connection.hpp):
// MQTT over WebSocket is the TCP or TLS connection with Beast's framing in between, and the same
// stream_connection and core engine above it.
//
// Its start answers the upgrade request the HTTP session has already read. Reads hand the
// payload of binary frames to the core as a byte stream: an MQTT packet may span frames and a
// frame may hold several packets [MQTT-6.0.0-2]. A text frame is refused with close code 1002
// [MQTT-6.0.0-1]; Beast itself refuses malformed frames (1002) and messages above the maximum
// packet size (1009), and answers pings. Each write is one binary message, so one wake-up's
// packets leave in one frame; with frame_per_packet each packet is a message of its own, for
// clients that wrongly expect packets and frames to line up.
//
// Beast is heavy: include this header only from bridge-ws .cpp files.
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "bridge-ws/packet_boundaries.hpp"
#include "broker/core/link.hpp"
#include "broker/net/stream_connection.hpp"

namespace telemq::bridge_ws {

using upgrade_request = boost::beast::http::request<boost::beast::http::string_body>;

template <typename NextLayer>
class ws_stream {
 public:
  // Like tls_stream's: big enough for a TLS record's worth of payload, allocated on first read.
  static constexpr std::size_t read_buffer_size = 16 * 1024;

  ws_stream(NextLayer next, upgrade_request upgrade, std::string subprotocol,
            std::size_t max_message, bool frame_per_packet)
      : ws_(std::move(next)), upgrade_(std::move(upgrade)), frame_per_packet_(frame_per_packet) {
    namespace websocket = boost::beast::websocket;
    // stream_connection bounds the handshake and the close itself; the MQTT keep-alive watches
    // idle connections. Beast's close handshake gets the same linger.
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = net::close_linger;
    timeout.idle_timeout = websocket::stream_base::none();
    timeout.keep_alive_pings = false;
    ws_.set_option(timeout);
    ws_.set_option(websocket::stream_base::decorator(
        [subprotocol = std::move(subprotocol)](websocket::response_type& response) {
          response.set(boost::beast::http::field::server, "telemq");
          if (!subprotocol.empty()) {
            response.set(boost::beast::http::field::sec_websocket_protocol, subprotocol);
          }
        }));
    ws_.binary(true);
    ws_.auto_fragment(false);
    ws_.read_message_max(max_message);
  }

  template <typename Handler>
  void async_start(core::connection_info info, Handler&& handler) {
    ws_.async_accept(upgrade_,
                     [this, info = std::move(info), handler = std::forward<Handler>(handler)](
                         const boost::system::error_code& ec) mutable {
                       upgrade_ = {};
                       handler(ec, std::move(info));
                     });
  }

  template <typename Handler>
  void async_read(Handler&& handler) {
    if (!read_buffer_) {
      read_buffer_ = std::make_unique<std::uint8_t[]>(read_buffer_size);
    }
    ws_.async_read_some(boost::asio::buffer(read_buffer_.get(), read_buffer_size),
                        [this, handler = std::forward<Handler>(handler)](
                            const boost::system::error_code& ec, std::size_t n) mutable {
                          if (!ec && ws_.got_text()) {
                            refuse_text(std::move(handler));
                            return;
                          }
                          handler(ec, std::span<const std::uint8_t>(read_buffer_.get(), n));
                        });
  }

  template <typename Handler>
  void async_write(std::span<const std::uint8_t> bytes, Handler&& handler) {
    const std::size_t size = frame_per_packet_ ? first_packet_size(bytes) : bytes.size();
    ws_.async_write(boost::asio::buffer(bytes.data(), size),
                    [this, rest = bytes.subspan(size), handler = std::forward<Handler>(handler)](
                        const boost::system::error_code& ec, std::size_t) mutable {
                      if (ec || rest.empty()) {
                        handler(ec);
                      } else {
                        async_write(rest, std::move(handler));
                      }
                    });
  }

  // A close frame with 1000; the pending read then sees the peer's close frame and ends.
  template <typename Handler>
  void async_shutdown(Handler&& handler) {
    ws_.async_close(boost::beast::websocket::close_code::normal, std::forward<Handler>(handler));
  }

  void close() {
    boost::system::error_code ignored;
    boost::beast::get_lowest_layer(ws_).close(ignored);
  }

 private:
  // The read ends only once the close handshake is over (bounded by Beast's timeout), so the
  // close frame is out before stream_connection closes the socket.
  template <typename Handler>
  void refuse_text(Handler handler) {
    namespace websocket = boost::beast::websocket;
    ws_.async_close(websocket::close_reason(websocket::close_code::protocol_error,
                                            "MQTT is carried in binary frames only"),
                    [handler = std::move(handler)](const boost::system::error_code&) mutable {
                      handler(make_error_code(websocket::error::bad_data_frame),
                              std::span<const std::uint8_t>());
                    });
  }

  boost::beast::websocket::stream<NextLayer> ws_;
  upgrade_request upgrade_;  // answered by async_start
  std::unique_ptr<std::uint8_t[]> read_buffer_;
  bool frame_per_packet_;
};

}  // namespace telemq::bridge_ws
