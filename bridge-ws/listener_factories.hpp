#pragma once
// The factories behind add_ws_listeners, one per scheme (listeners.cpp registers them).
#include <memory>

#include "bridge-ws/listener_state.hpp"
#include "broker/net/listener.hpp"

namespace telemq::bridge_ws {

// Throws std::runtime_error naming the listener when its options, its TLS files or its address
// cannot be used.
std::unique_ptr<net::listener> make_ws_listener(const net::listener_config& config,
                                                net::listener_environment& environment,
                                                hub_source& hubs);
std::unique_ptr<net::listener> make_wss_listener(const net::listener_config& config,
                                                 net::listener_environment& environment,
                                                 hub_source& hubs);

// The listener's shared state, with its options read from the URL.
std::shared_ptr<listener_state> make_listener_state(const net::listener_config& config,
                                                    net::listener_environment& environment,
                                                    hub_source& hubs);

}  // namespace telemq::bridge_ws
