#pragma once
// Who may open an MQTT WebSocket: the subprotocol the client offers and the page it comes from.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace telemq::bridge_ws {

// The answer to a Sec-WebSocket-Protocol request header ("mqtt", "mqtt, mqttv3.1"): the first
// subprotocol the client offers that is MQTT ("mqtt", or "mqttv3.1" of MQTT 3.1 clients such as
// Paho JS in 3.1 mode). Empty when the client offered none (some embedded clients do not), and
// nothing when it offered only others: that client does not speak MQTT.
std::optional<std::string> choose_subprotocol(std::string_view offered);

// Whether a browser page of origin (the Origin header, "https://app.example.com") may use the
// listener: allowed is the listener's origins option. host is the request's Host header: a page
// of the listener itself (the console) is always allowed. A request without an Origin header
// does not come from a browser page and is allowed.
bool origin_allowed(const std::vector<std::string>& allowed, std::string_view origin,
                    std::string_view host);

}  // namespace telemq::bridge_ws
