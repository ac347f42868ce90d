#pragma once
// One client's byte stream to the broker: TCP with TCP_NODELAY, optionally wrapped in
// WebSocket framing. Writes are batched: callers append any number of encoded packets to out()
// and call flush(); whatever accumulates while a write is in progress goes out as the next
// single write, so a busy connection makes few, large system calls.
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "broker/protocol/codec.hpp"
#include "tools/telemq-bench/ws_framing.hpp"

namespace telemq::bench {

namespace asio = boost::asio;

struct transport_config {
  asio::ip::tcp::endpoint endpoint;
  bool websocket = false;
  std::string host_header;  // for the upgrade request
  std::string path = "/mqtt";
  std::size_t read_buffer_size = 64 * 1024;
};

class link {
 public:
  using failure = std::optional<std::string>;
  using done_handler = std::function<void(failure)>;
  using bytes_handler = std::function<void(std::span<const std::uint8_t>)>;

  link(asio::io_context& context, const transport_config& config);

  // TCP connect and, for WebSocket, the upgrade; `done` gets the reason it failed, if it did.
  void connect(done_handler done);
  // Reads until the stream ends; `on_closed` runs once, with the reason unless close() was
  // called first.
  void start_reading(bytes_handler on_bytes, done_handler on_closed);
  // Runs after each completed write, before the next batch is sent: the place to top it up.
  void set_on_written(std::function<void()> on_written) { on_written_ = std::move(on_written); }

  protocol::byte_buffer& out() { return pending_; }
  void flush();
  // Sends what is pending, then closes.
  void close_after_flush();
  void close();

 private:
  void read_upgrade_response(done_handler done);
  void read_some();
  void on_read(std::span<const std::uint8_t> bytes);
  void start_write();
  void on_write_done(const boost::system::error_code& ec);
  void fail(std::string reason);
  std::uint32_t next_mask_key();

  asio::ip::tcp::socket socket_;
  const transport_config& config_;
  std::vector<std::uint8_t> read_buffer_;
  bytes_handler on_bytes_;
  done_handler on_closed_;
  std::function<void()> on_written_;

  protocol::byte_buffer pending_;
  protocol::byte_buffer in_flight_;
  bool writing_ = false;
  bool closing_ = false;
  bool closed_ = false;

  // WebSocket state: the upgrade exchange, incoming frames, outgoing control frames (pongs)
  // that go out ahead of the next data frame.
  std::string handshake_;
  std::string websocket_key_;
  ws_frame_reader frame_reader_;
  std::vector<std::uint8_t> frame_data_;
  std::vector<ws_control_frame> control_frames_;
  std::vector<std::uint8_t> control_out_;
  std::vector<std::uint8_t> control_in_flight_;
  std::array<std::uint8_t, 14> frame_header_{};
  std::size_t frame_header_size_ = 0;
  std::uint64_t mask_state_ = 0;
};

}  // namespace telemq::bench
