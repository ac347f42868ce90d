#pragma once
// Doubles for stream_connection's two sides: an engine whose connections record what the
// transport tells them and run a script on each event, and a stream adapter whose operations
// the test completes by hand.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "broker/core/link.hpp"
#include "broker/core/time.hpp"

namespace telemq::net::testing {

struct engine_connection_log {
  std::string received;  // every byte given to on_bytes, in order
  int writable_calls = 0;
  int closed_calls = 0;
  // Set while the core is inside one of the connection's calls, to catch re-entry.
  bool inside_core_call = false;
  bool closed_inside_core_call = false;
};

// The core::connection stand-in.
class fake_connection {
 public:
  fake_connection(core::link& link, std::shared_ptr<engine_connection_log> log)
      : link_(link), log_(std::move(log)) {}

  void on_bytes(std::span<const std::uint8_t> bytes, core::timestamp) {
    log_->received.append(bytes.begin(), bytes.end());
    call([&] {
      if (on_bytes_script) {
        on_bytes_script(link_, bytes);
      }
    });
  }
  void on_writable(core::timestamp) {
    ++log_->writable_calls;
    call([&] {
      if (on_writable_script) {
        on_writable_script(link_);
      }
    });
  }
  void on_closed(core::timestamp) {
    ++log_->closed_calls;
    log_->closed_inside_core_call = log_->inside_core_call;
  }

  std::function<void(core::link&, std::span<const std::uint8_t>)> on_bytes_script;
  std::function<void(core::link&)> on_writable_script;

 private:
  template <typename F>
  void call(F&& f) {
    log_->inside_core_call = true;
    f();
    log_->inside_core_call = false;
  }

  core::link& link_;
  std::shared_ptr<engine_connection_log> log_;
};

// The core::broker stand-in: open() hands out fake_connections with the scripts set here.
class fake_engine {
 public:
  std::unique_ptr<fake_connection> open(core::link& link, core::connection_info info,
                                        core::timestamp) {
    infos.push_back(std::move(info));
    logs.push_back(std::make_shared<engine_connection_log>());
    auto connection = std::make_unique<fake_connection>(link, logs.back());
    connection->on_bytes_script = on_bytes_script;
    connection->on_writable_script = on_writable_script;
    return connection;
  }

  std::vector<core::connection_info> infos;
  std::vector<std::shared_ptr<engine_connection_log>> logs;
  std::function<void(core::link&, std::span<const std::uint8_t>)> on_bytes_script;
  std::function<void(core::link&)> on_writable_script;
};

// What a scripted_stream was asked to do; the test completes the pending operations.
struct stream_script {
  using error_code = boost::system::error_code;

  explicit stream_script(boost::asio::io_context& context) : io(context) {}

  boost::asio::io_context& io;
  bool start_synchronously = true;
  std::function<void(error_code, core::connection_info)> pending_start;
  std::function<void(error_code, std::span<const std::uint8_t>)> pending_read;
  std::function<void(error_code)> pending_write;
  std::function<void(error_code)> pending_shutdown;
  std::vector<std::string> writes;  // the bytes of every write started
  int shutdowns = 0;
  int closes = 0;

  // Complete the pending operation as Asio would: from a handler of the io_context.
  void deliver(std::string bytes, error_code ec = {});
  void complete_write(error_code ec = {});
  void complete_shutdown(error_code ec = {});
  // What closing a socket does: every pending operation completes with operation_aborted.
  void abort_pending();
};

// A stream adapter whose operations wait in a stream_script.
class scripted_stream {
 public:
  explicit scripted_stream(std::shared_ptr<stream_script> script) : script_(std::move(script)) {}

  template <typename Handler>
  void async_start(core::connection_info info, Handler&& handler) {
    if (script_->start_synchronously) {
      handler(boost::system::error_code{}, std::move(info));
      return;
    }
    script_->pending_start = [handler = std::forward<Handler>(handler), info = std::move(info)](
                                 boost::system::error_code ec, core::connection_info) mutable {
      handler(ec, std::move(info));
    };
  }

  template <typename Handler>
  void async_read(Handler&& handler) {
    script_->pending_read = std::forward<Handler>(handler);
  }

  template <typename Handler>
  void async_write(std::span<const std::uint8_t> bytes, Handler&& handler) {
    script_->writes.emplace_back(bytes.begin(), bytes.end());
    script_->pending_write = std::forward<Handler>(handler);
  }

  template <typename Handler>
  void async_shutdown(Handler&& handler) {
    ++script_->shutdowns;
    script_->pending_shutdown = std::forward<Handler>(handler);
  }

  void close() {
    ++script_->closes;
    script_->abort_pending();
  }

 private:
  std::shared_ptr<stream_script> script_;
};

// Appends bytes to what the link will write, as the core does with encoded packets.
inline void append(core::link& link, std::span<const std::uint8_t> bytes) {
  link.output().insert(link.output().end(), bytes.begin(), bytes.end());
}
inline void append(core::link& link, std::string_view text) {
  link.output().insert(link.output().end(), text.begin(), text.end());
}
// An on_bytes_script that sends every byte back.
inline void echo(core::link& link, std::span<const std::uint8_t> bytes) {
  append(link, bytes);
  link.flush();
}

// Runs io until done() or the timeout; false on timeout.
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds timeout = std::chrono::seconds(5));

// Whether the broker side (run by io) closed the client's connection: end of file or reset.
bool closed_by_peer(boost::asio::io_context& io, boost::asio::ip::tcp::socket& client);

}  // namespace telemq::net::testing
