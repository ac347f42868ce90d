#include "bridge-ws/listeners.hpp"

#include <stdexcept>

#include "bridge-ws/listener_factories.hpp"

namespace telemq::bridge_ws {

std::shared_ptr<listener_state> make_listener_state(const net::listener_config& config,
                                                    net::listener_environment& environment,
                                                    hub_source& hubs) {
  bridge_options options;
  try {
    options = parse_bridge_options(config.path);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("listener " + config.url + ": " + e.what());
  }
  auto hub = hubs.hub_for(environment.broker, options.replay);
  return std::make_shared<listener_state>(environment, std::move(hub), std::move(options));
}

void add_ws_listeners(net::listener_registry& registry) {
  auto hubs = std::make_shared<hub_source>();
  registry.add("ws",
               [hubs](const net::listener_config& config, net::listener_environment& environment) {
                 return make_ws_listener(config, environment, *hubs);
               });
  registry.add("wss",
               [hubs](const net::listener_config& config, net::listener_environment& environment) {
                 return make_wss_listener(config, environment, *hubs);
               });
}

}  // namespace telemq::bridge_ws
