#pragma once
// The HTTP side of a ws:// or wss:// listener, apart from sockets: a request becomes a response,
// or the start of an event stream, a long poll or an MQTT WebSocket, which the session
// (http_session.hpp) then carries out.
//
//   GET  /events?topic=F[&topic=F2...]   text/event-stream (sse_stream.hpp)
//   GET  /poll?topic=F[&after=ID]        long polling (long_poll.hpp)
//   POST /publish?topic=T&qos=Q&retain=0|1   the body is the payload
//   GET  /stats                          the broker's counters as JSON
//   GET  /                               the web console
//   Upgrade: websocket on the MQTT path  MQTT over WebSocket
//
// When the listener refuses anonymous clients, every HTTP request needs HTTP Basic credentials
// of a broker user (or a verified client certificate whose name is the user name); topic filters
// and topics are then checked against the user's read and write permissions like MQTT's.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "bridge-ws/bridge_options.hpp"
#include "bridge-ws/event_filter.hpp"
#include "bridge-ws/event_hub.hpp"
#include "bridge-ws/http_response.hpp"
#include "bridge-ws/query_string.hpp"
#include "broker/core/access_control.hpp"
#include "broker/core/link.hpp"

namespace telemq::core {
class broker;
}

namespace telemq::bridge_ws {

// What the API needs of a request; the session copies it out of the parsed HTTP.
struct http_request {
  std::string method;
  std::string target;
  std::string host;
  std::string origin;
  std::string authorization;
  std::string last_event_id;
  std::string body;
  bool websocket_upgrade = false;
  std::string websocket_protocols;  // Sec-WebSocket-Protocol
};

struct sse_plan {
  event_filter filter;
  std::optional<std::uint64_t> last_event_id;
  http_response head;  // status 200, text/event-stream; the body follows from sse_stream
};

struct poll_plan {
  event_filter filter;
  std::optional<std::uint64_t> after;
  http_response head;  // the response to fill with the poll's answer
};

struct upgrade_plan {
  std::string subprotocol;  // to answer with; empty when the client offered none
};

using http_outcome = std::variant<http_response, sse_plan, poll_plan, upgrade_plan>;

class http_api {
 public:
  http_api(core::broker& broker, core::access_control& access, event_hub& hub,
           bridge_options options);

  http_outcome handle(const http_request& request, const core::connection_info& connection,
                      core::timestamp now);

  const bridge_options& options() const { return options_; }

 private:
  using identity_or_refusal = std::variant<core::client_identity, http_response>;
  using filter_or_refusal = std::variant<event_filter, http_response>;

  http_outcome upgrade(const http_request& request) const;
  identity_or_refusal authenticate(const http_request& request,
                                   const core::connection_info& connection) const;
  filter_or_refusal read_filter(const std::vector<text::query_parameter>& parameters,
                                const core::client_identity& identity) const;
  http_outcome events(const std::vector<text::query_parameter>& parameters,
                      const http_request& request, const core::client_identity& identity) const;
  http_outcome poll(const std::vector<text::query_parameter>& parameters,
                    const core::client_identity& identity) const;
  http_response publish(const std::vector<text::query_parameter>& parameters, std::string body,
                        const core::client_identity& identity, core::timestamp now);
  http_response stats(core::timestamp now) const;

  core::broker& broker_;
  core::access_control& access_;
  event_hub& hub_;
  bridge_options options_;
};

}  // namespace telemq::bridge_ws
