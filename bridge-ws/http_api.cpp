#include "bridge-ws/http_api.hpp"

#include <algorithm>
#include <charconv>
#include <memory>
#include <nlohmann/json.hpp>

#include "bridge-ws/basic_auth.hpp"
#include "bridge-ws/console_assets.hpp"
#include "bridge-ws/handshake_policy.hpp"
#include "broker/core/broker.hpp"
#include "broker/protocol/topic.hpp"

namespace telemq::bridge_ws {

namespace {

// Enough for a dashboard; a client that wants more opens more streams.
constexpr std::size_t max_filters_per_request = 64;

std::optional<std::uint64_t> parse_id(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

http_response unauthorized(std::string_view why) {
  auto response = json_error(401, why);
  response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"telemq\", charset=\"UTF-8\"");
  return response;
}

http_response method_not_allowed(std::string_view allow) {
  auto response = json_error(405, "use " + std::string(allow) + " here");
  response.headers.emplace_back("Allow", std::string(allow));
  return response;
}

void add_headers(http_outcome& outcome,
                 const std::vector<std::pair<std::string, std::string>>& headers) {
  std::visit(
      [&](auto& plan) {
        if constexpr (std::is_same_v<std::decay_t<decltype(plan)>, http_response>) {
          plan.headers.insert(plan.headers.end(), headers.begin(), headers.end());
        } else if constexpr (!std::is_same_v<std::decay_t<decltype(plan)>, upgrade_plan>) {
          plan.head.headers.insert(plan.head.headers.end(), headers.begin(), headers.end());
        }
      },
      outcome);
}

}  // namespace

http_api::http_api(core::broker& broker, core::access_control& access, event_hub& hub,
                   bridge_options options)
    : broker_(broker), access_(access), hub_(hub), options_(std::move(options)) {}

http_outcome http_api::handle(const http_request& request, const core::connection_info& connection,
                              core::timestamp now) {
  const auto target = split_target(request.target);
  if (request.websocket_upgrade) {
    if (target.path != options_.mqtt_path) {
      return json_error(404, "no WebSocket endpoint at " + std::string(target.path) +
                                 "; MQTT is served at " + options_.mqtt_path);
    }
    return upgrade(request);
  }
  if (target.path == options_.mqtt_path && options_.mqtt_path != "/") {
    auto response = json_error(426,
                               "MQTT over WebSocket is served here: connect with a "
                               "WebSocket client and the subprotocol 'mqtt'");
    response.headers.emplace_back("Upgrade", "websocket");
    return response;
  }
  // A page of another site may not read from or publish through this one, unless the operator
  // allowed that site; otherwise a browser holding a user's credentials could be abused (CSRF).
  if (!origin_allowed(options_.origins, request.origin, request.host)) {
    return json_error(403, "requests from pages of " + request.origin +
                               " are not allowed (see the listener's origins option)");
  }
  std::vector<std::pair<std::string, std::string>> cors;
  if (!request.origin.empty()) {
    cors = {{"Access-Control-Allow-Origin", request.origin},
            {"Access-Control-Allow-Credentials", "true"},
            {"Vary", "Origin"}};
  }
  if (request.method == "OPTIONS") {
    http_response preflight{204, {}, {}, cors};
    preflight.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    preflight.headers.emplace_back("Access-Control-Allow-Headers",
                                   "Authorization, Content-Type, Last-Event-ID");
    preflight.headers.emplace_back("Access-Control-Max-Age", "600");
    return preflight;
  }

  http_outcome outcome = [&]() -> http_outcome {
    auto identity = authenticate(request, connection);
    if (auto* refusal = std::get_if<http_response>(&identity)) {
      return std::move(*refusal);
    }
    const auto& client = std::get<core::client_identity>(identity);
    const auto parameters = text::parse_query(target.query);
    if (!parameters) {
      return json_error(400, "malformed %-escape in the query string");
    }
    const auto& method = request.method;
    if (target.path == "/events") {
      return method == "GET" ? events(*parameters, request, client) : method_not_allowed("GET");
    }
    if (target.path == "/poll") {
      return method == "GET" ? poll(*parameters, client) : method_not_allowed("GET");
    }
    if (target.path == "/publish") {
      return method == "POST" ? publish(*parameters, request.body, client, now)
                              : method_not_allowed("POST");
    }
    if (target.path == "/stats") {
      return method == "GET" ? stats(now) : method_not_allowed("GET");
    }
    if (const auto asset = find_console_asset(target.path)) {
      if (method != "GET") {
        return method_not_allowed("GET");
      }
      http_response response{200, std::string(asset->content_type), std::string(asset->body), {}};
      response.headers.emplace_back("Cache-Control", "no-cache");
      return response;
    }
    return json_error(
        404, "nothing at " + std::string(target.path) +
                 " (the API: /events, /poll, /publish, /stats; MQTT: " + options_.mqtt_path + ")");
  }();
  add_headers(outcome, cors);
  return outcome;
}

http_outcome http_api::upgrade(const http_request& request) const {
  if (!options_.origins.empty() &&
      !origin_allowed(options_.origins, request.origin, request.host)) {
    return json_error(403, "WebSockets from pages of " + request.origin +
                               " are not allowed (see the listener's origins option)");
  }
  auto subprotocol = choose_subprotocol(request.websocket_protocols);
  if (!subprotocol) {
    return json_error(400,
                      "this endpoint speaks MQTT: offer the WebSocket subprotocol 'mqtt' "
                      "(offered: " +
                          request.websocket_protocols + ")");
  }
  return upgrade_plan{std::move(*subprotocol)};
}

http_api::identity_or_refusal http_api::authenticate(
    const http_request& request, const core::connection_info& connection) const {
  std::optional<basic_credentials> credentials;
  if (!request.authorization.empty()) {
    credentials = parse_basic_auth(request.authorization);
    if (!credentials) {
      return unauthorized("malformed Authorization header: expected Basic credentials");
    }
  }
  if (!credentials && !connection.allow_anonymous && connection.certificate_username.empty()) {
    return unauthorized("this listener needs a user name and password (HTTP Basic)");
  }
  std::optional<std::string> username;
  std::optional<std::string> password;
  if (credentials) {
    username = credentials->username;
    password = credentials->password;
  }
  if (access_.authenticate(connection, {}, username, password)) {
    return unauthorized(credentials ? "bad user name or password" : "not authorized");
  }
  // HTTP clients have no client id: ACL patterns with %c do not apply to them.
  return core::client_identity{{}, username.value_or(connection.certificate_username)};
}

http_api::filter_or_refusal http_api::read_filter(
    const std::vector<text::query_parameter>& parameters,
    const core::client_identity& identity) const {
  auto filters = text::query_values(parameters, "topic");
  if (filters.empty()) {
    return json_error(400, "give at least one topic filter, e.g. ?topic=sensors/%23 (%23 is #)");
  }
  if (filters.size() > max_filters_per_request) {
    return json_error(
        400, "at most " + std::to_string(max_filters_per_request) + " topic filters per request");
  }
  std::sort(filters.begin(), filters.end());
  filters.erase(std::unique(filters.begin(), filters.end()), filters.end());
  for (const auto& filter : filters) {
    if (const auto error = protocol::validate_topic_filter(filter)) {
      return json_error(400, "topic filter '" + filter + "': " + error->message);
    }
    if (protocol::parse_shared_filter(filter)) {
      return json_error(
          400, "topic filter '" + filter + "': shared subscriptions are not available over HTTP");
    }
    if (!access_.allowed(identity, filter, core::access::read)) {
      return json_error(403, "not authorized to read '" + filter + "'");
    }
  }
  return event_filter(std::move(filters), identity, access_);
}

http_outcome http_api::events(const std::vector<text::query_parameter>& parameters,
                              const http_request& request,
                              const core::client_identity& identity) const {
  auto filter = read_filter(parameters, identity);
  if (auto* refusal = std::get_if<http_response>(&filter)) {
    return std::move(*refusal);
  }
  // EventSource sends the header when it reconnects; the parameter lets a page resume from an
  // id it kept (after a reload, say).
  std::string last_text = request.last_event_id;
  if (auto from_query = text::query_value(parameters, "last_event_id")) {
    last_text = *from_query;
  }
  std::optional<std::uint64_t> last_event_id;
  if (!last_text.empty()) {
    last_event_id = parse_id(last_text);
    if (!last_event_id) {
      return json_error(400, "Last-Event-ID '" + last_text + "' is not an event id");
    }
  }
  http_response head{200, "text/event-stream; charset=utf-8", {}, {}};
  head.headers.emplace_back("Cache-Control", "no-cache");
  // Tells nginx and similar proxies not to buffer the stream.
  head.headers.emplace_back("X-Accel-Buffering", "no");
  return sse_plan{std::move(std::get<event_filter>(filter)), last_event_id, std::move(head)};
}

http_outcome http_api::poll(const std::vector<text::query_parameter>& parameters,
                            const core::client_identity& identity) const {
  auto filter = read_filter(parameters, identity);
  if (auto* refusal = std::get_if<http_response>(&filter)) {
    return std::move(*refusal);
  }
  std::optional<std::uint64_t> after;
  if (const auto text = text::query_value(parameters, "after")) {
    after = parse_id(*text);
    if (!after) {
      return json_error(400, "after='" + *text + "' is not an event id");
    }
  }
  http_response head = json_response({});
  head.headers.emplace_back("Cache-Control", "no-cache");
  return poll_plan{std::move(std::get<event_filter>(filter)), after, std::move(head)};
}

http_response http_api::publish(const std::vector<text::query_parameter>& parameters,
                                std::string body, const core::client_identity& identity,
                                core::timestamp now) {
  const auto topic = text::query_value(parameters, "topic");
  if (!topic) {
    return json_error(400, "give the topic to publish to: /publish?topic=...");
  }
  if (const auto error = protocol::validate_topic_name(*topic)) {
    return json_error(400, "topic '" + *topic + "': " + error->message);
  }
  if (topic->starts_with("$SYS/") || *topic == "$SYS") {
    return json_error(403, "$SYS topics belong to the broker");
  }
  auto msg = std::make_shared<core::message>();
  msg->topic = *topic;
  if (const auto qos = text::query_value(parameters, "qos")) {
    if (*qos != "0" && *qos != "1" && *qos != "2") {
      return json_error(400, "qos must be 0, 1 or 2, got '" + *qos + "'");
    }
    msg->qos_level = static_cast<protocol::qos>((*qos)[0] - '0');
  }
  if (const auto retain = text::query_value(parameters, "retain")) {
    if (*retain == "1" || *retain == "true") {
      msg->retain = true;
    } else if (*retain != "0" && *retain != "false") {
      return json_error(400, "retain must be 0 or 1, got '" + *retain + "'");
    }
  }
  if (msg->retain && !broker_.limits().retain_available) {
    return json_error(400, "retained messages are disabled on this broker");
  }
  if (!access_.allowed(identity, msg->topic, core::access::write)) {
    return json_error(403, "not authorized to publish to '" + msg->topic + "'");
  }
  msg->payload = std::move(body);
  const nlohmann::json answer = {{"topic", msg->topic},
                                 {"qos", static_cast<int>(msg->qos_level)},
                                 {"retain", msg->retain},
                                 {"bytes", msg->payload.size()}};
  broker_.publish(std::move(msg), now);
  return json_response(answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

http_response http_api::stats(core::timestamp now) const {
  const auto& s = broker_.stats();
  const auto& ring = hub_.ring();
  const nlohmann::json body = {
      {"time",
       std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()},
      {"connections", s.connections_current},
      {"connections_total", s.connections_total},
      {"sessions", s.sessions_total},
      {"subscriptions", s.subscriptions},
      {"retained_messages", s.retained_messages},
      {"queued_messages", s.queued_messages},
      {"messages_received", s.messages_received},
      {"messages_sent", s.messages_sent},
      {"messages_routed", hub_.messages()},
      {"bytes_received", s.bytes_received},
      {"bytes_sent", s.bytes_sent},
      {"http",
       {{"event_consumers", hub_.sinks()},
        {"last_event_id", ring.last_id()},
        {"replay_events", ring.size()},
        {"replay_bytes", ring.bytes()}}}};
  return json_response(body.dump());
}

}  // namespace telemq::bridge_ws
