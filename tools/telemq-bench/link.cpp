#include "tools/telemq-bench/link.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <random>

namespace telemq::bench {

link::link(asio::io_context& context, const transport_config& config)
    : socket_(context), config_(config) {}

void link::connect(done_handler done) {
  socket_.async_connect(config_.endpoint, [this, done = std::move(done)](
                                              const boost::system::error_code& ec) mutable {
    if (ec) {
      done("connect: " + ec.message());
      return;
    }
    boost::system::error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    read_buffer_.resize(config_.read_buffer_size);
    if (!config_.websocket) {
      done(std::nullopt);
      return;
    }
    mask_state_ = std::random_device{}() | (std::uint64_t{std::random_device{}()} << 32) | 1;
    websocket_key_ = make_websocket_key();
    handshake_ = make_upgrade_request(config_.host_header, config_.path, websocket_key_);
    asio::async_write(
        socket_, asio::buffer(handshake_),
        [this, done = std::move(done)](const boost::system::error_code& wec, std::size_t) mutable {
          if (wec) {
            done("websocket upgrade: " + wec.message());
            return;
          }
          handshake_.clear();
          read_upgrade_response(std::move(done));
        });
  });
}

void link::read_upgrade_response(done_handler done) {
  asio::async_read_until(
      socket_, asio::dynamic_buffer(handshake_), "\r\n\r\n",
      [this, done = std::move(done)](const boost::system::error_code& ec, std::size_t head_size) {
        if (ec) {
          done("websocket upgrade: " + ec.message());
          return;
        }
        if (auto refused = check_upgrade_response(std::string_view(handshake_).substr(0, head_size),
                                                  websocket_key_)) {
          done(std::move(refused));
          return;
        }
        // Bytes after the head already belong to the frame stream; keep them for the reader.
        handshake_.erase(0, head_size);
        done(std::nullopt);
      });
}

void link::start_reading(bytes_handler on_bytes, done_handler on_closed) {
  on_bytes_ = std::move(on_bytes);
  on_closed_ = std::move(on_closed);
  if (!handshake_.empty()) {
    const std::string early = std::move(handshake_);
    on_read({reinterpret_cast<const std::uint8_t*>(early.data()), early.size()});
  }
  read_some();
}

void link::read_some() {
  socket_.async_read_some(
      asio::buffer(read_buffer_), [this](const boost::system::error_code& ec, std::size_t n) {
        if (ec) {
          fail(ec == asio::error::eof ? "broker closed the connection" : "read: " + ec.message());
          return;
        }
        on_read({read_buffer_.data(), n});
        if (!closed_) {
          read_some();
        }
      });
}

void link::on_read(std::span<const std::uint8_t> bytes) {
  if (!config_.websocket) {
    on_bytes_(bytes);
    return;
  }
  frame_data_.clear();
  control_frames_.clear();
  if (auto violation = frame_reader_.read(bytes, frame_data_, control_frames_)) {
    fail(std::move(*violation));
    return;
  }
  for (auto& frame : control_frames_) {
    if (frame.opcode == ws_opcode::close) {
      fail("broker sent a websocket close frame");
      return;
    }
    if (frame.opcode == ws_opcode::ping) {
      // A pong echoes the ping's payload in its own masked control frame.
      const std::uint32_t key = next_mask_key();
      apply_mask(frame.payload, key);
      control_out_.push_back(0x80 | static_cast<std::uint8_t>(ws_opcode::pong));
      control_out_.push_back(0x80 | static_cast<std::uint8_t>(frame.payload.size()));
      for (int shift = 24; shift >= 0; shift -= 8) {
        control_out_.push_back(static_cast<std::uint8_t>(key >> shift));
      }
      control_out_.insert(control_out_.end(), frame.payload.begin(), frame.payload.end());
      flush();
    }
  }
  if (!frame_data_.empty()) {
    on_bytes_(frame_data_);
  }
}

void link::flush() {
  if (!writing_ && !closed_ && (!pending_.empty() || !control_out_.empty())) {
    start_write();
  }
}

void link::start_write() {
  writing_ = true;
  in_flight_.swap(pending_);
  pending_.clear();
  auto on_done = [this](const boost::system::error_code& ec, std::size_t) { on_write_done(ec); };
  if (!config_.websocket) {
    asio::async_write(socket_, asio::buffer(in_flight_), std::move(on_done));
    return;
  }
  control_in_flight_.swap(control_out_);
  control_out_.clear();
  std::array<asio::const_buffer, 3> buffers{asio::buffer(control_in_flight_)};
  if (!in_flight_.empty()) {
    // Masked in place: in_flight_ is not read again once written.
    const std::uint32_t key = next_mask_key();
    frame_header_size_ = write_frame_header(frame_header_, in_flight_.size(), key);
    apply_mask(in_flight_, key);
    buffers[1] = asio::buffer(frame_header_.data(), frame_header_size_);
    buffers[2] = asio::buffer(in_flight_);
  }
  asio::async_write(socket_, buffers, std::move(on_done));
}

void link::on_write_done(const boost::system::error_code& ec) {
  writing_ = false;
  if (ec) {
    fail("write: " + ec.message());
    return;
  }
  if (closing_ && pending_.empty()) {
    close();
    return;
  }
  if (on_written_) {
    on_written_();
  }
  flush();
}

void link::close_after_flush() {
  closing_ = true;
  if (!writing_ && pending_.empty()) {
    close();
    return;
  }
  flush();
}

void link::close() {
  if (closed_) {
    return;
  }
  closed_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

void link::fail(std::string reason) {
  const bool expected = closing_ || closed_;
  close();
  if (on_closed_) {
    auto handler = std::move(on_closed_);
    on_closed_ = nullptr;
    handler(expected ? std::nullopt : std::optional<std::string>(std::move(reason)));
  }
}

// xorshift64*: RFC 6455 wants unpredictable masks to defeat proxy cache poisoning, which cannot
// happen on a loopback benchmark; a fast generator keeps masking off the profile.
std::uint32_t link::next_mask_key() {
  mask_state_ ^= mask_state_ >> 12;
  mask_state_ ^= mask_state_ << 25;
  mask_state_ ^= mask_state_ >> 27;
  return static_cast<std::uint32_t>((mask_state_ * 0x2545F4914F6CDD1DULL) >> 32);
}

}  // namespace telemq::bench
