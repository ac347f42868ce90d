#pragma once
// The settings of a ws:// or wss:// listener beyond what every listener has, written as the
// query of its URL so that they travel wherever a listener URL goes (--listen, [[listener]]):
//
//   ws://0.0.0.0:8080/mqtt?origins=https://app.example.com&sse_max_duration=1h
//
// The path is where MQTT is served (/mqtt when the URL has none). docs/bridge-ws.md lists every
// option with its default.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bridge-ws/replay_ring.hpp"

namespace telemq::bridge_ws {

struct bridge_options {
  std::string mqtt_path = "/mqtt";
  // Browser origins ("https://app.example.com") allowed to open MQTT WebSockets and to call the
  // HTTP API from their pages (CORS). Empty: WebSockets from any origin, the HTTP API from the
  // listener's own pages only.
  std::vector<std::string> origins;
  std::chrono::seconds heartbeat{15};
  std::chrono::seconds poll_timeout{25};
  // Each /events stream ends after this long (0: never), and EventSource resumes it with
  // Last-Event-ID: lets a load balancer move long-lived streams, and bounds a stream's lifetime.
  std::chrono::milliseconds sse_max_duration{0};
  // The size of each piece of an event stream written at once.
  std::size_t sse_chunk = 64 * 1024;
  std::size_t poll_max_events = 1000;
  // One WebSocket message per MQTT packet instead of one per write. The batched form is what
  // MQTT allows [MQTT-6.0.0-2] and costs fewer system calls, but some clients (Paho C 1.3's
  // WebSocket code among them) lose packets that share a frame.
  bool frame_per_packet = false;
  replay_limits replay;

  bool operator==(const bridge_options&) const = default;
};

// Reads a listener URL's path and query. Throws std::invalid_argument naming the option and what
// is wrong with it.
bridge_options parse_bridge_options(std::string_view url_path);

// "30" and "30s" are seconds; "500ms", "5m" and "1h" say their unit.
std::chrono::milliseconds parse_duration(std::string_view text);

}  // namespace telemq::bridge_ws
