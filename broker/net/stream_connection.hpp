#pragma once
// One MQTT connection over any byte stream: it owns the stream and the core's connection, feeds
// the core what it reads and writes what the core queues. TCP, TLS and (in bridge-ws) WebSocket
// differ only in the stream adapter they plug in.
//
// A stream adapter is a concept rather than a base class, so that every call is direct:
//
//   void async_start(core::connection_info info, H h);
//       Whatever precedes MQTT: nothing for TCP, the handshake for TLS, the HTTP upgrade for
//       WebSocket. h(error_code, core::connection_info) hands the info back, completed with what
//       the start learnt (the certificate's name). May complete inside the call.
//   void async_read(H h);
//       h(error_code, std::span<const std::uint8_t>) with the next bytes. The span is valid during
//       the call only, so an adapter may read into a buffer its connections share.
//   void async_write(std::span<const std::uint8_t> bytes, H h);
//       h(error_code) once every byte is written; the bytes stay valid until then.
//   void async_shutdown(H h);
//       Ends our direction gracefully (TCP FIN, TLS close_notify, WebSocket close frame), then
//       h(error_code). Reads continue until the peer ends its direction too.
//   void close();
//       Closes now; pending operations complete with an error.
//
// Writes: the core appends packets to output() and calls flush(); flush asks the connection_set
// for a write after the current handler, so one wake-up that queues many packets costs one
// write. A small read starts the writes it caused at once instead (see on_read). While a write is
// in flight new packets wait in output(); when it completes, they go out in the next write. Reads
// continue while a write is in flight.
//
// Closing: close() (from the core) writes what is queued, shuts the stream down and waits for the
// peer to close, at most the set's close_linger(). Whatever ends the socket (peer, error, abort,
// deadline), the core hears on_closed exactly once, from an Asio handler, never from inside a core
// call.
//
// The Engine parameter is core::broker in the daemon; tests put a scripted double there.
#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "broker/core/broker.hpp"
#include "broker/core/link.hpp"
#include "broker/net/connection_set.hpp"

namespace telemq::net {

// Reads of at least this many bytes come from a busy peer (see on_read).
inline constexpr std::size_t batching_read_size = 512;

template <typename Stream, typename Engine = core::broker>
class stream_connection final : public connection_base, public core::link {
 public:
  stream_connection(Stream stream, connection_set& set) : stream_(std::move(stream)), set_(set) {
    set_.add(*this);
  }
  ~stream_connection() override {
    if (is_linked()) {
      set_.remove(*this);
    }
  }

  // Runs the stream's start, bounded by start_timeout, then opens the core connection and reads.
  void start(Engine& engine, core::connection_info info, std::chrono::milliseconds start_timeout) {
    stream_.async_start(std::move(info),
                        [self = shared_this(), &engine](const boost::system::error_code& ec,
                                                        core::connection_info started) {
                          self->on_started(engine, ec, std::move(started));
                        });
    if (!started_ && !finished_) {
      arm_deadline(start_timeout);
    }
  }

  Stream& stream() { return stream_; }

  protocol::byte_buffer& output() override { return output_; }

  void flush() override {
    if (!write_in_flight_ && !finished_ && !output_.empty()) {
      set_.schedule_write(*this);
    }
  }

  std::size_t unsent_bytes() const override { return output_.size() + writing_.size(); }

  void close() override {
    if (closing_ || finished_) {
      return;
    }
    closing_ = true;
    arm_deadline(set_.close_linger());
    if (!write_in_flight_) {
      set_.schedule_write(*this);
    }
  }

 private:
  std::shared_ptr<stream_connection> shared_this() {
    return std::static_pointer_cast<stream_connection>(shared_from_this());
  }

  void on_started(Engine& engine, const boost::system::error_code& ec, core::connection_info info) {
    started_ = true;
    if (finished_) {
      return;
    }
    set_.drop_deadline(*this);
    if (ec) {
      if (set_.log()) {
        set_.log()(core::log_level::debug, "event=start_failed remote=" + info.remote_address +
                                               " listener=" + info.listener + " error=\"" +
                                               (timed_out_ ? "timed out" : ec.message()) + "\"");
      }
      finish();
      return;
    }
    connection_ = engine.open(*this, std::move(info), core::clock_type::now());
    read();
  }

  void read() {
    stream_.async_read(
        [self = shared_this()](const boost::system::error_code& ec,
                               std::span<const std::uint8_t> bytes) { self->on_read(ec, bytes); });
  }

  void on_read(const boost::system::error_code& ec, std::span<const std::uint8_t> bytes) {
    if (finished_) {
      return;
    }
    if (ec) {
      finish();
      return;
    }
    // After close() the core wants nothing more from this peer; keep reading to see it close.
    if (!closing_) {
      connection_->on_bytes(bytes, core::clock_type::now());
      // A small read is likely a lone packet that someone waits for: its consequences leave
      // now. After a big read the writes wait for the end of the reactor round, so that the
      // reads of many connections share them.
      if (bytes.size() < batching_read_size) {
        set_.write_scheduled();
      }
    }
    if (!finished_) {
      read();
    }
  }

  void write_queued() override {
    if (finished_ || write_in_flight_) {
      return;
    }
    if (shutdown_started_) {
      output_.clear();
      return;
    }
    if (!output_.empty()) {
      start_write();
    } else if (closing_) {
      shut_down();
    }
  }

  void start_write() {
    std::swap(output_, writing_);
    write_in_flight_ = true;
    stream_.async_write(
        std::span<const std::uint8_t>(writing_),
        [self = shared_this()](const boost::system::error_code& ec) { self->on_written(ec); });
  }

  void on_written(const boost::system::error_code& ec) {
    write_in_flight_ = false;
    if (finished_) {
      return;
    }
    if (ec) {
      finish();
      return;
    }
    writing_.clear();
    if (!closing_) {
      // The core may queue more now that the buffer drained; it all goes in the next write.
      connection_->on_writable(core::clock_type::now());
      if (finished_ || write_in_flight_) {
        return;
      }
    }
    if (!output_.empty()) {
      start_write();
    } else if (closing_) {
      shut_down();
    } else {
      // Caught up: most connections are idle most of the time, and a malloc per burst of
      // writes is small beside the write itself.
      protocol::byte_buffer().swap(output_);
      protocol::byte_buffer().swap(writing_);
    }
  }

  void shut_down() {
    shutdown_started_ = true;
    stream_.async_shutdown([self = shared_this()](const boost::system::error_code& ec) {
      if (ec) {
        self->finish();
      }
    });
  }

  void abort() override { finish(); }

  // The end of every path: the socket is closed and the core told, once.
  void finish() {
    if (finished_) {
      return;
    }
    finished_ = true;
    stream_.close();
    set_.drop_deadline(*this);
    if (auto connection = std::move(connection_)) {
      connection->on_closed(core::clock_type::now());
    }
    set_.remove(*this);
  }

  // The set keeps the timer (see connection_set::deadline).
  void arm_deadline(std::chrono::steady_clock::duration after) {
    connection_timer& deadline = set_.deadline(*this);
    deadline.expires_after(after);
    deadline.async_wait([self = shared_this()](const boost::system::error_code& ec) {
      if (!ec) {
        self->on_deadline();
      }
    });
  }

  void on_deadline() {
    if (started_) {
      finish();
      return;
    }
    // The start handler still holds the connection info; let it fail and log.
    timed_out_ = true;
    stream_.close();
  }

  using engine_connection = decltype(std::declval<Engine&>().open(
      std::declval<core::link&>(), std::declval<core::connection_info>(),
      std::declval<core::timestamp>()));

  Stream stream_;
  connection_set& set_;
  engine_connection connection_;
  protocol::byte_buffer output_;
  protocol::byte_buffer writing_;  // the bytes of the write in flight
  bool started_ = false;
  bool write_in_flight_ = false;
  bool closing_ = false;
  bool shutdown_started_ = false;
  bool finished_ = false;
  bool timed_out_ = false;
};

}  // namespace telemq::net
