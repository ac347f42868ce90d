// wss:// — the same over TLS, with broker/net's TLS settings (TLS 1.2 at least, optional client
// certificates whose name may be the user name). Kept apart from ws_listener.cpp so that only
// this file compiles the SSL headers with Beast.
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "bridge-ws/bridge_listener.hpp"
#include "bridge-ws/listener_factories.hpp"
#include "broker/net/tls_context.hpp"

namespace telemq::bridge_ws {

namespace {

using tls_socket = boost::asio::ssl::stream<net::tcp_socket>;

class wss_listener final : public net::listener {
 public:
  wss_listener(const net::listener_config& config, net::listener_environment& environment,
               std::shared_ptr<listener_state> state)
      : listener_(config, environment, configure(std::move(state), config.tls),
                  [](net::tcp_socket socket, listener_state& s) {
                    // The SSL object holds its own reference to the OpenSSL context, so a
                    // reload that replaces the context leaves this connection's alone.
                    return tls_socket(std::move(socket), *s.tls);
                  }) {}

  std::vector<std::string> addresses() const override { return listener_.addresses(); }

  void reload(const net::listener_config& updated) override {
    configure(listener_.state(), updated.tls);
    listener_.reload(updated);
  }

  void stop() override { listener_.stop(); }

 private:
  // Throws before changing anything when the TLS files cannot be loaded.
  static std::shared_ptr<listener_state> configure(std::shared_ptr<listener_state> state,
                                                   const net::tls_settings& tls) {
    configure(*state, tls);
    return state;
  }
  static void configure(listener_state& state, const net::tls_settings& tls) {
    state.tls = net::make_tls_context(tls);
    state.identity_as_username = tls.use_identity_as_username;
  }

  bridge_listener<tls_socket> listener_;
};

}  // namespace

std::unique_ptr<net::listener> make_wss_listener(const net::listener_config& config,
                                                 net::listener_environment& environment,
                                                 hub_source& hubs) {
  return std::make_unique<wss_listener>(config, environment,
                                        make_listener_state(config, environment, hubs));
}

}  // namespace telemq::bridge_ws
