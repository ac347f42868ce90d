#include "broker/net/tcp_listener.hpp"

#include <fmt/core.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "broker/net/connection_set.hpp"

namespace telemq::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Out of file descriptors or memory: accepting again at once would spin, so wait a little.
constexpr std::chrono::milliseconds accept_retry_delay{100};

// Connections a listener accepts before letting the thread's other handlers run.
constexpr int accepts_per_turn = 64;

// accept(2): errors of the connection being accepted, or network errors it already had; the
// listening socket is fine.
bool is_peer_failure(int error) {
  switch (error) {
    case ECONNABORTED:
    case EINTR:
    case EPROTO:
    case EPERM:
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
      return true;
    default:
      return false;
  }
}

bool is_resource_exhaustion(int error) {
  return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
}

std::vector<tcp::endpoint> resolve(asio::io_context& io, const listener_config& config) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(config.host, ec);
  if (!ec) {
    return {tcp::endpoint(address, config.port)};
  }
  // Start-up only: blocking the broker thread here is harmless.
  tcp::resolver resolver(io);
  const auto results =
      resolver.resolve(config.host, std::to_string(config.port),
                       tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + config.host + ":" + std::to_string(config.port) +
                             ": " + ec.message());
  }
  std::vector<tcp::endpoint> endpoints;
  for (const auto& entry : results) {
    endpoints.push_back(entry.endpoint());
  }
  return endpoints;
}

// At most one log line per refusal_log_interval for an event a flood repeats; each line says how
// many were left out since the one before.
class throttled_line {
 public:
  // Whether a line may be written now; if not, the event is counted as left out.
  bool due(std::chrono::steady_clock::time_point now) {
    if (now < next_) {
      ++left_out_;
      return false;
    }
    next_ = now + refusal_log_interval;
    return true;
  }
  std::uint64_t take_left_out() { return std::exchange(left_out_, 0); }

 private:
  std::uint64_t left_out_ = 0;
  std::chrono::steady_clock::time_point next_{};
};

}  // namespace

std::string format_endpoint(const tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

struct tcp_listener::state {
  connection_set& connections;
  listener_config config;
  core::log_sink log;
  connection_handler on_connection;
  listener_counters& counters;
  connection_rate_limiter rate;
  throttled_line refusal_lines;
  throttled_line accept_failure_lines;
  bool stopped = false;

  void warn(const std::string& line) const {
    if (log) {
      log(core::log_level::warn, line);
    }
  }
};

struct tcp_listener::acceptor {
  using socket_acceptor = asio::basic_socket_acceptor<tcp, asio::io_context::executor_type>;
  using timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                           asio::wait_traits<std::chrono::steady_clock>,
                                           asio::io_context::executor_type>;

  acceptor(asio::io_context& io, std::shared_ptr<state> s)
      : shared(std::move(s)), socket(io.get_executor()), retry(io.get_executor()) {}

  std::shared_ptr<state> shared;
  socket_acceptor socket;
  timer retry;
};

// Only a speed-up: where the kernel refuses it, connections are accepted at once, as without it.
void tcp_listener::set_defer_accept(acceptor& a, std::uint32_t seconds) const {
  const int value = static_cast<int>(seconds);
  if (::setsockopt(a.socket.native_handle(), IPPROTO_TCP, TCP_DEFER_ACCEPT, &value,
                   sizeof(value)) != 0) {
    state_->warn(fmt::format("event=defer_accept_unavailable listener={} error=\"{}\"",
                             state_->config.url, std::system_category().message(errno)));
  }
}

tcp_listener::tcp_listener(asio::io_context& io, connection_set& connections,
                           const listener_config& config, core::log_sink log,
                           connection_handler on_connection)
    : state_(std::make_shared<state>(state{connections, config, std::move(log),
                                           std::move(on_connection),
                                           connections.add_listener(config.url),
                                           connection_rate_limiter(config.max_connection_rate)})) {
  for (const auto& endpoint : resolve(io, config)) {
    auto a = std::make_shared<acceptor>(io, state_);
    boost::system::error_code ec;
    a->socket.open(endpoint.protocol(), ec);
    if (!ec) {
      a->socket.set_option(tcp::acceptor::reuse_address(true), ec);
    }
    if (!ec && endpoint.address().is_v6()) {
      // [::] then means IPv6 only, so that 0.0.0.0 on the same port can be a second listener.
      a->socket.set_option(asio::ip::v6_only(true), ec);
    }
    if (!ec) {
      a->socket.bind(endpoint, ec);
    }
    if (!ec) {
      // Accepted sockets inherit it: no setsockopt per connection.
      a->socket.set_option(tcp::no_delay(true), ec);
    }
    if (!ec) {
      a->socket.listen(tcp::acceptor::max_listen_connections, ec);
    }
    if (!ec) {
      a->socket.non_blocking(true, ec);
    }
    if (ec) {
      throw std::runtime_error("cannot listen on " + format_endpoint(endpoint) + ": " +
                               ec.message());
    }
    set_defer_accept(*a, config.defer_accept);
    acceptors_.push_back(std::move(a));
  }
  for (const auto& a : acceptors_) {
    accept(a);
  }
}

tcp_listener::~tcp_listener() {
  stop();
}

void tcp_listener::accept(const std::shared_ptr<acceptor>& a) {
  a->socket.async_wait(acceptor::socket_acceptor::wait_read,
                       [a](const boost::system::error_code& ec) {
                         if (!ec && !a->shared->stopped) {
                           accept_ready(a);
                         }
                       });
}

// accept4 rather than Asio's accept: the socket comes non-blocking in one system call, and stays
// out of Asio's reactor (tcp_stream does not use it).
void tcp_listener::accept_ready(const std::shared_ptr<acceptor>& a) {
  state& s = *a->shared;
  for (int accepted_now = 0; accepted_now < accepts_per_turn; ++accepted_now) {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    const int descriptor =
        ::accept4(a->socket.native_handle(), reinterpret_cast<sockaddr*>(&address), &length,
                  SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (descriptor < 0) {
      const int error = errno;
      if (error == EAGAIN || error == EWOULDBLOCK) {
        accept(a);
        return;
      }
      if (is_peer_failure(error)) {
        // The peer gave up between SYN and accept, or similar: the next one may be there.
        continue;
      }
      if (s.accept_failure_lines.due(std::chrono::steady_clock::now())) {
        s.warn(fmt::format("event=accept_failed listener={} error=\"{}\" not_logged_since_last={}",
                           s.config.url, std::system_category().message(error),
                           s.accept_failure_lines.take_left_out()));
      }
      if (!is_resource_exhaustion(error)) {
        accept(a);
        return;
      }
      a->retry.expires_after(accept_retry_delay);
      a->retry.async_wait([a](const boost::system::error_code& wait_ec) {
        if (!wait_ec && !a->shared->stopped) {
          accept_ready(a);
        }
      });
      return;
    }
    tcp::endpoint remote;
    const std::size_t size = std::min<std::size_t>(length, remote.capacity());
    std::memcpy(remote.data(), &address, size);
    remote.resize(size);
    accepted(s, accepted_socket(descriptor, remote.protocol()), remote);
    if (s.stopped) {
      return;
    }
  }
  // More may be waiting, and the listening socket reports only new ones: come back after the
  // thread's other handlers.
  asio::post(a->socket.get_executor(), [a] {
    if (!a->shared->stopped) {
      accept_ready(a);
    }
  });
}

void tcp_listener::accepted(state& s, accepted_socket socket, const tcp::endpoint& remote) {
  // Counts first, so that a refused connection takes no token from the rate.
  if (s.connections.full()) {
    refuse(s, refusal_reason::max_connections, remote);
    return;
  }
  if (s.config.max_connections != 0 && s.counters.open >= s.config.max_connections) {
    refuse(s, refusal_reason::listener_max_connections, remote);
    return;
  }
  if (!s.rate.try_acquire(std::chrono::steady_clock::now())) {
    refuse(s, refusal_reason::max_connection_rate, remote);
    return;
  }
  ++s.counters.accepted;
  s.connections.admit(s.counters, [&] {
    s.on_connection(
        std::move(socket),
        core::connection_info{format_endpoint(remote), s.config.url, s.config.allow_anonymous, {}});
  });
}

// The socket closes as the caller drops it: no byte is read or written.
void tcp_listener::refuse(state& s, refusal_reason reason, const tcp::endpoint& remote) {
  ++s.counters.refused[static_cast<std::size_t>(reason)];
  if (!s.refusal_lines.due(std::chrono::steady_clock::now())) {
    return;
  }
  s.warn(fmt::format(
      "event=connection_refused reason={} listener={} remote={} open={} not_logged_since_last={}",
      to_string(reason), s.config.url, format_endpoint(remote), s.counters.open,
      s.refusal_lines.take_left_out()));
}

std::vector<std::string> tcp_listener::addresses() const {
  std::vector<std::string> out;
  for (const auto& endpoint : local_endpoints()) {
    out.push_back(format_endpoint(endpoint));
  }
  return out;
}

std::vector<tcp::endpoint> tcp_listener::local_endpoints() const {
  std::vector<tcp::endpoint> out;
  for (const auto& a : acceptors_) {
    boost::system::error_code ec;
    const auto endpoint = a->socket.local_endpoint(ec);
    if (!ec) {
      out.push_back(endpoint);
    }
  }
  return out;
}

void tcp_listener::reload(const listener_config& updated) {
  if (updated.max_connection_rate != state_->config.max_connection_rate) {
    state_->rate = connection_rate_limiter(updated.max_connection_rate);
  }
  if (updated.defer_accept != state_->config.defer_accept) {
    for (const auto& a : acceptors_) {
      set_defer_accept(*a, updated.defer_accept);
    }
  }
  state_->config = updated;
}

void tcp_listener::stop() {
  state_->stopped = true;
  for (const auto& a : acceptors_) {
    boost::system::error_code ignored;
    a->socket.close(ignored);
    a->retry.cancel();
  }
}

}  // namespace telemq::net
