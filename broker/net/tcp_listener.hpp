#pragma once
// Accepts TCP connections on HOST:PORT and hands each socket to a connection handler with what
// the core needs to know about it. A host name binds every address it resolves to. The handler
// decides what runs over the socket (MQTT, TLS, WebSocket), so every TCP-based transport reuses
// this class.
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "broker/core/link.hpp"
#include "broker/core/log.hpp"
#include "broker/net/accepted_socket.hpp"
#include "broker/net/listener.hpp"
#include "broker/net/listener_limits.hpp"

namespace telemq::net {

// Refusals and failed accepts are a flood when they matter: at most one line per interval, which
// says how many were not logged since the one before.
inline constexpr std::chrono::seconds refusal_log_interval{10};

// "127.0.0.1:1883", "[::1]:1883".
std::string format_endpoint(const boost::asio::ip::tcp::endpoint& endpoint);

class tcp_listener final : public listener {
 public:
  // info names the remote address and the listener.
  using connection_handler =
      std::function<void(accepted_socket socket, core::connection_info info)>;

  // Binds at once (throws std::runtime_error: "cannot listen on 127.0.0.1:1883: Address already in
  // use"); accepting starts when the io_context runs. A new socket is closed as soon as it is
  // accepted while connections is full(), while the listener holds config.max_connections, or
  // when it comes faster than config.max_connection_rate; each refusal is counted in the
  // listener's counters (connections.listeners()) and logged, at most one line per
  // refusal_log_interval.
  tcp_listener(boost::asio::io_context& io, connection_set& connections,
               const listener_config& config, core::log_sink log, connection_handler on_connection);
  ~tcp_listener() override;

  std::vector<std::string> addresses() const override;
  // Also applies new max_connections, max_connection_rate and defer_accept.
  void reload(const listener_config& updated) override;
  void stop() override;

  std::vector<boost::asio::ip::tcp::endpoint> local_endpoints() const;

 private:
  struct state;
  struct acceptor;
  static void accept(const std::shared_ptr<acceptor>& a);
  static void accept_ready(const std::shared_ptr<acceptor>& a);
  static void accepted(state& s, accepted_socket socket,
                       const boost::asio::ip::tcp::endpoint& remote);
  static void refuse(state& s, refusal_reason reason, const boost::asio::ip::tcp::endpoint& remote);
  void set_defer_accept(acceptor& a, std::uint32_t seconds) const;

  // Shared with the pending accepts, which may complete after the listener is gone.
  std::shared_ptr<state> state_;
  std::vector<std::shared_ptr<acceptor>> acceptors_;
};

}  // namespace telemq::net
