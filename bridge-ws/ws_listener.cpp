// ws:// — HTTP and MQTT over WebSocket on plain TCP.
#include "bridge-ws/bridge_listener.hpp"
#include "bridge-ws/listener_factories.hpp"

namespace telemq::bridge_ws {

std::unique_ptr<net::listener> make_ws_listener(const net::listener_config& config,
                                                net::listener_environment& environment,
                                                hub_source& hubs) {
  return std::make_unique<bridge_listener<net::tcp_socket>>(
      config, environment, make_listener_state(config, environment, hubs),
      [](net::tcp_socket socket, listener_state&) { return socket; });
}

}  // namespace telemq::bridge_ws
