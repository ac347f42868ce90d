#pragma once
// One TCP or TLS connection of a ws:// or wss:// listener, from its first byte: HTTP/1.1
// requests answered by http_api, one after another (keep-alive), until one of them upgrades to
// an MQTT WebSocket (the socket then goes to a net::stream_connection with a ws_stream, and
// this session ends) or opens an event stream (the connection then carries it to the end).
//
// Writes go through one buffer, batched like MQTT's: new events only mark the session in the
// connection_set, and it writes once after the handler that brought them returns. An event
// stream pulls its next piece from the replay ring when the previous one is written.
//
// Every wait is bounded: the TLS handshake by the connect timeout, a request and a response by
// request_timeout, a poll by poll_timeout, a closing connection by close_linger. A stream whose
// write made no progress for a heartbeat interval, or that fell behind the replay ring, is
// dropped; its client resumes with Last-Event-ID.
//
// Stream is net::tcp_socket or boost::asio::ssl::stream<net::tcp_socket>. Beast is heavy:
// include this header only from bridge-ws .cpp files.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>

#include "bridge-ws/http_api.hpp"
#include "bridge-ws/listener_state.hpp"
#include "bridge-ws/long_poll.hpp"
#include "bridge-ws/sse_format.hpp"
#include "bridge-ws/sse_stream.hpp"
#include "bridge-ws/ws_stream.hpp"
#include "broker/core/broker.hpp"
#include "broker/net/accepted_socket.hpp"
#include "broker/net/connection_set.hpp"
#include "broker/net/shared_read_buffer.hpp"
#include "broker/net/stream_connection.hpp"
#include "broker/net/tls_context.hpp"

namespace telemq::bridge_ws {

// How long a client may take to send a request (or stay idle between two), or to take a
// response.
inline constexpr std::chrono::seconds request_timeout{30};
inline constexpr std::size_t max_request_header_bytes = 16 * 1024;

template <typename Stream>
class http_session final : public net::connection_base,
                           public event_sink,
                           public http_session_handle {
 public:
  static constexpr bool tls = !std::is_same_v<Stream, net::tcp_socket>;

  http_session(Stream stream, std::shared_ptr<listener_state> state, core::connection_info info)
      : stream_(std::move(stream)),
        state_(std::move(state)),
        info_(std::move(info)),
        identity_as_username_(state_->identity_as_username),
        timer_(state_->env.connections.io().get_executor()) {
    state_->env.connections.add(*this);
    state_->sessions.insert(this);
  }

  ~http_session() {
    // The connection set may be gone already (shutdown); it unlinked its members then.
    if (is_linked()) {
      state_->env.connections.remove(*this);
    }
  }

  void start() {
    if constexpr (tls) {
      arm(state_->env.broker.limits().connect_timeout);
      stream_.async_handshake(
          Stream::server,
          [self = shared_this()](const boost::system::error_code& ec) { self->on_handshake(ec); });
    } else {
      read_request();
    }
  }

  void stop() override { finish(); }

 private:
  enum class phase { handshake, reading, responding, streaming, polling, closing };

  using timer =
      boost::asio::basic_waitable_timer<std::chrono::steady_clock,
                                        boost::asio::wait_traits<std::chrono::steady_clock>,
                                        boost::asio::io_context::executor_type>;

  std::shared_ptr<http_session> shared_this() {
    return std::static_pointer_cast<http_session>(shared_from_this());
  }

  net::connection_set& connections() const { return state_->env.connections; }

  void on_handshake(const boost::system::error_code& ec) {
    if (finished_) {
      return;
    }
    if (!ec && identity_as_username_) {
      info_.certificate_username = net::peer_common_name(stream_.native_handle());
    }
    if (ec || (identity_as_username_ && info_.certificate_username.empty())) {
      state_->log(core::log_level::debug,
                  "event=start_failed remote=" + info_.remote_address +
                      " listener=" + info_.listener + " error=\"" +
                      (ec ? ec.message() : std::string("no client certificate name")) + "\"");
      finish();
      return;
    }
    read_request();
  }

  void read_request() {
    phase_ = phase::reading;
    parser_.emplace();
    parser_->header_limit(max_request_header_bytes);
    parser_->body_limit(state_->env.broker.limits().max_packet_size);
    arm(request_timeout);
    boost::beast::http::async_read(stream_, buffer_, *parser_,
                                   [self = shared_this()](const boost::system::error_code& ec,
                                                          std::size_t) { self->on_request(ec); });
  }

  void on_request(const boost::system::error_code& ec) {
    namespace http = boost::beast::http;
    if (finished_) {
      return;
    }
    if (ec) {
      // A malformed request gets an answer saying so; a vanished client gets nothing.
      const bool http_error = ec.category() == make_error_code(http::error::bad_method).category();
      if (!http_error || ec == http::error::end_of_stream || ec == http::error::partial_message) {
        finish();
        return;
      }
      keep_alive_ = false;
      if (ec == http::error::body_limit) {
        respond(json_error(413, "the body is larger than the maximum packet size (" +
                                    std::to_string(state_->env.broker.limits().max_packet_size) +
                                    " bytes)"));
      } else if (ec == http::error::header_limit) {
        respond(json_error(431, "the request headers exceed " +
                                    std::to_string(max_request_header_bytes) + " bytes"));
      } else {
        respond(json_error(400, "malformed HTTP request: " + ec.message()));
      }
      return;
    }
    auto& message = parser_->get();
    http_request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.host = std::string(message[http::field::host]);
    request.origin = std::string(message[http::field::origin]);
    request.authorization = std::string(message[http::field::authorization]);
    request.last_event_id = std::string(message["Last-Event-ID"]);
    request.websocket_upgrade = boost::beast::websocket::is_upgrade(message);
    request.websocket_protocols = std::string(message[http::field::sec_websocket_protocol]);
    request.body = std::move(message.body());
    keep_alive_ = message.keep_alive();

    auto outcome = state_->api.handle(request, info_, core::clock_type::now());
    state_->log(core::log_level::debug, "event=http_request method=" + request.method +
                                            " target=\"" + request.target +
                                            "\" remote=" + info_.remote_address);
    std::visit([this](auto& plan) { carry_out(plan); }, outcome);
  }

  void carry_out(http_response& response) { respond(response); }

  void carry_out(upgrade_plan& plan) {
    // The socket leaves this session for an MQTT connection, which joins the connection set.
    finish_without_closing();
    const auto& limits = state_->env.broker.limits();
    auto connection = std::make_shared<net::stream_connection<ws_stream<Stream>>>(
        ws_stream<Stream>(std::move(stream_), parser_->release(), std::move(plan.subprotocol),
                          limits.max_packet_size, state_->api.options().frame_per_packet),
        connections());
    connection->start(state_->env.broker, info_, limits.connect_timeout);
  }

  void carry_out(sse_plan& plan) {
    auto& hub = *state_->hub;
    const auto now = core::clock_type::now();
    sse_.emplace(std::move(plan.filter), hub.ring(), state_->env.broker, plan.last_event_id, now);
    output_ += serialize_stream_head(plan.head);
    phase_ = phase::streaming;
    join_hub();
    const auto max_duration = state_->api.options().sse_max_duration;
    stream_end_ = max_duration.count() > 0 ? std::chrono::steady_clock::now() + max_duration
                                           : std::chrono::steady_clock::time_point::max();
    arm_stream_timer();
    pump();
  }

  void carry_out(poll_plan& plan) {
    auto& hub = *state_->hub;
    poll_.emplace(std::move(plan.filter), hub.ring(), plan.after,
                  state_->api.options().poll_max_events, core::clock_type::now());
    poll_head_ = std::move(plan.head);
    phase_ = phase::polling;
    join_hub();
    arm(state_->api.options().poll_timeout);
    pump();
  }

  void respond(const http_response& response) {
    phase_ = phase::responding;
    output_ += serialize(response, keep_alive_);
    arm(request_timeout);
    pump();
  }

  void answer_poll(std::string body) {
    leave_hub();
    poll_.reset();
    poll_head_.body = std::move(body);
    respond(poll_head_);
  }

  // New events are in the ring: take note, act after the handler that brought them.
  void on_events() override {
    if (phase_ == phase::streaming && write_in_flight_ && sse_->fell_behind(state_->hub->ring())) {
      drop_reason_ = "fell_behind";
    }
    connections().schedule_write(*this);
  }

  void write_queued() override { pump(); }

  // Writes what there is to write, or moves on when there is nothing.
  void pump() {
    if (finished_) {
      return;
    }
    if (drop_reason_) {
      drop();
      return;
    }
    if (write_in_flight_) {
      return;
    }
    const auto now = core::clock_type::now();
    if (phase_ == phase::streaming && !ending_) {
      const auto status =
          sse_->fill(state_->hub->ring(), output_, state_->api.options().sse_chunk, now);
      if (status == sse_stream::fill_status::fell_behind) {
        drop_reason_ = "fell_behind";
        drop();
        return;
      }
    } else if (phase_ == phase::polling) {
      if (auto answer = poll_->answer(state_->hub->ring(), state_->env.broker, now)) {
        answer_poll(std::move(*answer));
        return;
      }
    }
    if (!output_.empty()) {
      start_write();
    } else if (phase_ == phase::responding) {
      if (keep_alive_) {
        read_request();
      } else {
        shut_down();
      }
    } else if (phase_ == phase::streaming && ending_) {
      shut_down();
    }
  }

  void start_write() {
    std::swap(output_, writing_);
    write_in_flight_ = true;
    boost::asio::async_write(stream_, boost::asio::buffer(writing_),
                             [self = shared_this()](const boost::system::error_code& ec,
                                                    std::size_t) { self->on_written(ec); });
  }

  void on_written(const boost::system::error_code& ec) {
    write_in_flight_ = false;
    ++writes_completed_;
    if (finished_) {
      return;
    }
    if (ec) {
      finish();
      return;
    }
    writing_.clear();
    release_if_big(writing_);
    release_if_big(output_);
    pump();
  }

  // Write buffers bigger than this are given back when the session has nothing left to write.
  static constexpr std::size_t idle_buffer_capacity = 4096;

  static void release_if_big(std::string& buffer) {
    if (buffer.empty() && buffer.capacity() > idle_buffer_capacity) {
      std::string().swap(buffer);
    }
  }

  void arm_stream_timer() {
    const auto now = std::chrono::steady_clock::now();
    const auto heartbeat = std::chrono::steady_clock::duration(state_->api.options().heartbeat);
    arm(stream_end_ - now < heartbeat ? stream_end_ - now : heartbeat);
  }

  void on_stream_timer() {
    if (std::chrono::steady_clock::now() >= stream_end_) {
      // The stream's lifetime is over: what was already taken from the ring goes out, the rest
      // the client gets when it resumes.
      ending_ = true;
      leave_hub();
      arm(net::close_linger);
      pump();
      return;
    }
    if (write_in_flight_ && writes_completed_ == writes_at_last_beat_) {
      drop_reason_ = "stalled";
      drop();
      return;
    }
    writes_at_last_beat_ = writes_completed_;
    if (!write_in_flight_) {
      append_sse_comment(output_, "heartbeat");
      pump();
    }
    arm_stream_timer();
  }

  void on_timer() {
    switch (phase_) {
      case phase::streaming:
        if (!ending_) {
          on_stream_timer();
          return;
        }
        break;
      case phase::polling:
        answer_poll(poll_->timeout_answer());
        return;
      default:
        break;
    }
    finish();  // a handshake, request, response or close that took too long
  }

  void arm(std::chrono::steady_clock::duration after) {
    timer_.expires_after(after);
    timer_.async_wait([self = shared_this()](const boost::system::error_code& ec) {
      if (!ec && !self->finished_) {
        self->on_timer();
      }
    });
  }

  // Ends our direction, then waits (at most close_linger) for the client to end its own, so
  // that the last bytes are not lost to a reset.
  void shut_down() {
    phase_ = phase::closing;
    arm(net::close_linger);
    if constexpr (tls) {
      stream_.async_shutdown(
          [self = shared_this()](const boost::system::error_code&) { self->finish(); });
    } else {
      boost::system::error_code ignored;
      stream_.shutdown(net::tcp_socket::shutdown_send, ignored);
      drain();
    }
  }

  void drain() {
    // What arrives now is thrown away, so the thread's shared read buffer will do.
    const auto scratch = net::shared_read_buffer();
    stream_.async_read_some(
        boost::asio::buffer(scratch.data(), scratch.size()),
        [self = shared_this()](const boost::system::error_code& ec, std::size_t) {
          if (ec) {
            self->finish();
          } else if (!self->finished_) {
            self->drain();
          }
        });
  }

  void drop() {
    state_->log(core::log_level::info,
                "event=event_stream_dropped reason=" + std::string(drop_reason_) +
                    " remote=" + info_.remote_address + " listener=" + info_.listener);
    finish();
  }

  void abort() override { finish(); }

  void join_hub() {
    state_->hub->add(*this);
    in_hub_ = true;
  }

  void leave_hub() {
    if (in_hub_) {
      state_->hub->remove(*this);
      in_hub_ = false;
    }
  }

  // The end of every path but the upgrade: the socket is closed and the session forgotten.
  void finish() {
    if (finished_) {
      return;
    }
    boost::system::error_code ignored;
    if constexpr (tls) {
      stream_.next_layer().close(ignored);
    } else {
      stream_.close(ignored);
    }
    finish_without_closing();
  }

  void finish_without_closing() {
    finished_ = true;
    timer_.cancel();
    leave_hub();
    state_->sessions.erase(this);
    connections().remove(*this);
  }

  Stream stream_;
  std::shared_ptr<listener_state> state_;
  core::connection_info info_;
  bool identity_as_username_;
  timer timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::string output_;   // to write next
  std::string writing_;  // the write in flight
  std::optional<sse_stream> sse_;
  std::optional<long_poll> poll_;
  http_response poll_head_;
  std::chrono::steady_clock::time_point stream_end_;
  std::uint64_t writes_completed_ = 0;
  std::uint64_t writes_at_last_beat_ = 0;
  const char* drop_reason_ = nullptr;
  phase phase_ = phase::handshake;
  bool keep_alive_ = false;
  bool write_in_flight_ = false;
  bool in_hub_ = false;
  bool ending_ = false;
  bool finished_ = false;
};

}  // namespace telemq::bridge_ws
