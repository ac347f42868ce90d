#pragma once
// A connection whose socket lives on an I/O thread while its stream_connection and core
// connection live on the broker thread (--threads above 1).
//
// The broker thread sees a relayed_stream, a stream adapter like tcp_stream (see
// stream_connection.hpp), so stream_connection and the core do not change. Each operation
// becomes a message to the I/O thread, where relay_channel_for<MakeStream> runs it on the real
// stream (TCP or TLS: the handshake, the system calls and the encryption leave the broker
// thread); each completion comes back as a message. Both directions go through the I/O
// thread's mailboxes, in batches.
//
// Reading runs ahead of the broker by at most max_reads_ahead reads: the I/O thread reads again
// only when the broker has taken what it read before (relay_op::consumed), so a client that
// sends faster than the broker handles is slowed by TCP, as it is on the broker thread, and what
// arrives meanwhile is handed over in one bigger read.
//
// Lifetime: the channel is shared by the relayed_stream, the messages in flight and the real
// stream's pending operations. The real stream is created and destroyed on the I/O thread:
// after close, once no operation of it is pending. Closing the broker side completes its
// pending operations at once with operation_aborted, so the broker thread never waits for the
// I/O thread to end a connection.
#include <boost/asio/error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/intrusive/list_hook.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "broker/core/link.hpp"
#include "broker/net/accepted_socket.hpp"
#include "broker/net/inline_handler.hpp"
#include "broker/net/mailbox.hpp"

namespace telemq::net {

class io_thread;

// Reads the I/O thread may hand over before the broker has taken the first of them. One: the
// broker thread's cost is per read as much as per message (fan-in QoS 1 with every connection
// on one I/O thread: 1.0 to 1.17 million msg/s with two reads ahead, 1.27 to 1.33 million with
// one).
inline constexpr unsigned max_reads_ahead = 1;

class relay_channel : public boost::intrusive::list_base_hook<>,
                      public std::enable_shared_from_this<relay_channel> {
 public:
  using error_code = boost::system::error_code;
  using start_handler = std::function<void(const error_code&, core::connection_info)>;
  // Held by every idle relayed connection: inline, not std::function.
  using read_handler = inline_handler<void(const error_code&, std::span<const std::uint8_t>)>;
  using done_handler = inline_handler<void(const error_code&)>;

  // Broker thread. The I/O thread adopts the socket at start.
  relay_channel(io_thread& thread, accepted_socket socket);
  virtual ~relay_channel();
  relay_channel(const relay_channel&) = delete;
  relay_channel& operator=(const relay_channel&) = delete;

  // Broker thread: the stream adapter's operations.
  void async_start(core::connection_info info, start_handler handler);
  void async_read(read_handler handler);
  void async_write(std::span<const std::uint8_t> bytes, done_handler handler);
  void async_shutdown(done_handler handler);
  void close();

  // The thread reading a mailbox hands each message to its channel.
  void receive(relay_message& message, relay_batch& batch);

  // I/O thread: closes the real stream (also when the thread stops with the stream still open).
  virtual void end_stream() = 0;

 protected:
  // I/O thread, per stream type.
  virtual void start_stream(accepted_socket socket, core::connection_info info) = 0;
  virtual void write_stream(std::span<const std::uint8_t> bytes) = 0;
  virtual void reads_consumed(std::uint32_t count) = 0;
  virtual void shutdown_stream() = 0;

  // I/O thread: report completions to the broker thread.
  void report(relay_op op, const error_code& ec, std::span<const std::uint8_t> bytes = {});
  void report_started(const error_code& ec, core::connection_info info);
  // I/O thread: its io_context, where the real stream runs.
  boost::asio::io_context& io();
  // I/O thread: the real stream exists (it is closed if the thread stops) / is gone.
  void stream_created();
  void stream_destroyed();

 private:
  // I/O thread: the socket becomes this thread's stream.
  void adopt(core::connection_info info);
  // Broker thread.
  void on_started(const error_code& ec, core::connection_info info);
  void on_read(const error_code& ec, std::span<const std::uint8_t> bytes);
  void deliver_backlog();
  template <typename Handler, typename... Args>
  static void complete(Handler& pending, Args&&... args);

  io_thread& thread_;
  // Until the I/O thread adopts it.
  accepted_socket socket_;

  // Broker thread only. An idle connection is one of these per socket, so what only a
  // starting connection or a rare path needs sits behind a pointer.
  struct starting {
    start_handler handler;
    core::connection_info info;  // handed back if the connection closes before it started
  };
  std::unique_ptr<starting> starting_;
  read_handler read_;
  // The write or the shutdown in progress: stream_connection shuts down only once no write is
  // in flight, and writes nothing after.
  done_handler done_;
  // Reads that arrived while no read was pending (rare: stream_connection reads again from
  // inside its read handler), each delivered by one later async_read.
  struct unread {
    error_code ec;
    protocol::byte_buffer bytes;
  };
  std::unique_ptr<std::vector<unread>> backlog_;
  bool closed_ = false;
};

// The I/O thread's side for one stream type. MakeStream turns the adopted socket into the
// stream adapter (tcp_stream, tls_stream).
template <typename MakeStream>
class relay_channel_for final : public relay_channel {
 public:
  using stream_type = std::invoke_result_t<MakeStream&, boost::asio::io_context&, accepted_socket>;

  relay_channel_for(io_thread& thread, accepted_socket socket, MakeStream make_stream)
      : relay_channel(thread, std::move(socket)), make_stream_(std::move(make_stream)) {}

  void end_stream() override {
    if (ended_) {
      return;
    }
    ended_ = true;
    if (stream_) {
      stream_->close();
    }
    destroy_when_idle();
  }

 private:
  std::shared_ptr<relay_channel_for> shared_this() {
    return std::static_pointer_cast<relay_channel_for>(shared_from_this());
  }

  void start_stream(accepted_socket socket, core::connection_info info) override {
    stream_.emplace(make_stream_(io(), std::move(socket)));
    stream_created();
    ++pending_;
    stream_->async_start(std::move(info), [self = shared_this()](const error_code& ec,
                                                                 core::connection_info started) {
      --self->pending_;
      if (self->ended_) {
        self->destroy_when_idle();
        return;
      }
      self->report_started(ec, std::move(started));
      if (!ec) {
        self->started_ = true;
        self->read();
      }
    });
  }

  void read() {
    if (!started_ || reading_ || ended_ || read_ended_ || reads_ahead_ >= max_reads_ahead) {
      return;
    }
    reading_ = true;
    ++pending_;
    stream_->async_read(
        [self = shared_this()](const error_code& ec, std::span<const std::uint8_t> bytes) {
          self->reading_ = false;
          --self->pending_;
          if (self->ended_) {
            self->destroy_when_idle();
            return;
          }
          ++self->reads_ahead_;
          self->report(relay_op::read, ec, bytes);
          if (ec) {
            self->read_ended_ = true;
            return;
          }
          self->read();
        });
  }

  void reads_consumed(std::uint32_t count) override {
    reads_ahead_ -= std::min(reads_ahead_, count);
    read();
  }

  void write_stream(std::span<const std::uint8_t> bytes) override {
    if (ended_ || !stream_) {
      report(relay_op::written, boost::asio::error::bad_descriptor);
      return;
    }
    writing_.assign(bytes.begin(), bytes.end());
    ++pending_;
    stream_->async_write(std::span<const std::uint8_t>(writing_),
                         [self = shared_this()](const error_code& ec) {
                           --self->pending_;
                           if (self->ended_) {
                             self->destroy_when_idle();
                             return;
                           }
                           self->report(relay_op::written, ec);
                           // An idle connection holds no write buffer (see stream_connection).
                           protocol::byte_buffer().swap(self->writing_);
                         });
  }

  void shutdown_stream() override {
    if (ended_ || !stream_) {
      report(relay_op::shut_down, boost::asio::error::bad_descriptor);
      return;
    }
    ++pending_;
    stream_->async_shutdown([self = shared_this()](const error_code& ec) {
      --self->pending_;
      if (self->ended_) {
        self->destroy_when_idle();
        return;
      }
      self->report(relay_op::shut_down, ec);
    });
  }

  // The stream goes on this thread, once none of its operations can still touch it.
  void destroy_when_idle() {
    if (ended_ && pending_ == 0 && stream_) {
      stream_.reset();
      stream_destroyed();
    }
  }

  MakeStream make_stream_;
  std::optional<stream_type> stream_;
  protocol::byte_buffer writing_;
  std::uint32_t reads_ahead_ = 0;  // reads reported and not yet consumed by the broker
  unsigned pending_ = 0;           // operations of stream_ not completed yet
  bool started_ = false;
  bool reading_ = false;
  bool read_ended_ = false;
  bool ended_ = false;
};

// The stream adapter stream_connection holds on the broker thread for a relayed connection.
class relayed_stream {
 public:
  explicit relayed_stream(std::shared_ptr<relay_channel> channel) : channel_(std::move(channel)) {}

  template <typename Handler>
  void async_start(core::connection_info info, Handler&& handler) {
    channel_->async_start(std::move(info), std::forward<Handler>(handler));
  }
  template <typename Handler>
  void async_read(Handler&& handler) {
    channel_->async_read(std::forward<Handler>(handler));
  }
  template <typename Handler>
  void async_write(std::span<const std::uint8_t> bytes, Handler&& handler) {
    channel_->async_write(bytes, std::forward<Handler>(handler));
  }
  template <typename Handler>
  void async_shutdown(Handler&& handler) {
    channel_->async_shutdown(std::forward<Handler>(handler));
  }
  void close() { channel_->close(); }

 private:
  std::shared_ptr<relay_channel> channel_;
};

}  // namespace telemq::net
