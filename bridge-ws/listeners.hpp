#pragma once
// MQTT over WebSocket, and the HTTP API and web console on the same port: registers the ws://
// and wss:// listener schemes. See docs/bridge-ws.md.
namespace telemq::net {
class listener_registry;
}

namespace telemq::bridge_ws {

void add_ws_listeners(net::listener_registry& registry);

}  // namespace telemq::bridge_ws
