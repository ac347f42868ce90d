#include "broker/admin/http_server.hpp"

#include <fmt/format.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <optional>
#include <set>
#include <stdexcept>
#include <vector>

namespace telemq::admin {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::chrono::seconds io_timeout{30};
constexpr std::uint32_t max_header_bytes = 8 * 1024;
constexpr std::uint64_t max_body_bytes = 64 * 1024;
// Operators and scrapers, not clients: a handful is plenty, and the bound keeps a runaway
// script from holding the broker thread's file descriptors.
constexpr std::size_t max_connections = 64;

using stream_type = beast::basic_stream<tcp, asio::io_context::executor_type>;
using acceptor_type = asio::basic_socket_acceptor<tcp, asio::io_context::executor_type>;

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  }
  return out + '"';
}

class session;

}  // namespace

struct http_server::state {
  state(asio::io_context& io, request_handler handler, core::log_sink log)
      : acceptor(io.get_executor()), handler(std::move(handler)), log(std::move(log)) {}

  acceptor_type acceptor;
  request_handler handler;
  core::log_sink log;
  std::set<session*> sessions;
  bool stopped = false;

  void accept(const std::shared_ptr<state>& self);
};

namespace {

class session final : public std::enable_shared_from_this<session> {
 public:
  session(stream_type::socket_type socket, std::shared_ptr<http_server::state> owner)
      : stream_(std::move(socket)), owner_(std::move(owner)) {
    boost::system::error_code ec;
    const auto remote = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? "unknown" : fmt::format("{}:{}", remote.address().to_string(), remote.port());
    owner_->sessions.insert(this);
  }
  ~session() { owner_->sessions.erase(this); }

  void read_request() {
    parser_.emplace();
    parser_->header_limit(max_header_bytes);
    parser_->body_limit(max_body_bytes);
    stream_.expires_after(io_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      keep_alive_ = false;
      write({413, "application/json", "{\"error\":\"request too large\"}\n", ""});
      return;
    }
    if (ec) {
      // The peer closed, timed out or sent something that is not HTTP: nothing to answer.
      close();
      return;
    }
    auto& message = parser_->get();
    http_request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.authorization = std::string(message[http::field::authorization]);
    request.body = std::move(message.body());
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    stream_.expires_never();
    const bool changes = request.method != "GET";
    owner_->handler(request, [self = shared_from_this(), method = request.method,
                              target = request.target, changes](http_response response) {
      const auto level = changes ? core::log_level::info : core::log_level::debug;
      if (self->owner_->log) {
        self->owner_->log(level,
                          fmt::format("event=admin_request remote={} method={} target={} status={}",
                                      self->remote_, method, quoted(target), response.status));
      }
      self->write(std::move(response));
    });
  }

  void write(http_response answer) {
    response_.result(static_cast<http::status>(answer.status));
    response_.version(version_);
    response_.set(http::field::server, "telemq");
    response_.set(http::field::content_type, answer.content_type);
    response_.set(http::field::cache_control, "no-store");
    if (!answer.allow.empty()) {
      response_.set(http::field::allow, answer.allow);
    }
    if (answer.status == 401) {
      response_.set(http::field::www_authenticate, "Bearer");
    }
    response_.keep_alive(keep_alive_ && !owner_->stopped);
    response_.body() = std::move(answer.body);
    response_.prepare_payload();
    stream_.expires_after(io_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec || !self->response_.keep_alive()) {
                          self->close();
                          return;
                        }
                        self->response_ = {};
                        self->read_request();
                      });
  }

  stream_type stream_;
  std::shared_ptr<http_server::state> owner_;
  std::string remote_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
};

}  // namespace

void http_server::state::accept(const std::shared_ptr<state>& self) {
  acceptor.async_accept([self](boost::system::error_code ec, stream_type::socket_type socket) {
    if (self->stopped || ec == asio::error::operation_aborted) {
      return;
    }
    if (!ec) {
      if (self->sessions.size() >= max_connections) {
        if (self->log) {
          self->log(core::log_level::warn,
                    fmt::format("event=admin_refused reason=\"more than {} admin connections\"",
                                max_connections));
        }
      } else {
        std::make_shared<session>(std::move(socket), self)->read_request();
      }
    }
    self->accept(self);
  });
}

http_server::http_server(asio::io_context& io, const admin_address& address,
                         request_handler handler, core::log_sink log)
    : state_(std::make_shared<state>(io, std::move(handler), std::move(log))) {
  const tcp::endpoint endpoint(asio::ip::make_address(address.host), address.port);
  boost::system::error_code ec;
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.set_option(acceptor_type::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    throw std::runtime_error(
        fmt::format("cannot listen on {} (admin API): {}", to_string(address), ec.message()));
  }
}

http_server::~http_server() {
  stop();
}

void http_server::start() {
  state_->accept(state_);
}

void http_server::stop() {
  if (state_->stopped) {
    return;
  }
  state_->stopped = true;
  boost::system::error_code ec;
  state_->acceptor.close(ec);
  // Closing only cancels their operations; the sessions end in their handlers.
  const std::vector<session*> open(state_->sessions.begin(), state_->sessions.end());
  for (session* s : open) {
    s->close();
  }
}

admin_address http_server::local_address() const {
  boost::system::error_code ec;
  const auto endpoint = state_->acceptor.local_endpoint(ec);
  return {endpoint.address().to_string(), endpoint.port()};
}

}  // namespace telemq::admin
