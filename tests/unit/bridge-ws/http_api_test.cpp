// The HTTP API's decisions, request by request: routes, validation, authentication and
// authorization, publishing, CORS and the WebSocket handshake policy.
#include "bridge-ws/http_api.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bridge_harness.hpp"

namespace telemq::bridge_ws {
namespace {

using testing::bridge_harness;

struct api_fixture : ::testing::Test {
  bridge_harness h;
  bridge_options options;
  core::connection_info connection{"127.0.0.1:5555", "ws://127.0.0.1:8080", true, {}};

  http_outcome call(http_request request) {
    http_api api(h.engine, h.access, *h.hub, options);
    return api.handle(request, connection, h.now);
  }
  http_outcome get(std::string target) { return call({.method = "GET", .target = target}); }
  http_outcome post(std::string target, std::string body = {}) {
    return call({.method = "POST", .target = target, .body = std::move(body)});
  }

  static http_response response_of(const http_outcome& outcome) {
    if (const auto* r = std::get_if<http_response>(&outcome)) {
      return *r;
    }
    ADD_FAILURE() << "expected a plain response";
    return {};
  }
  static std::string error_of(const http_outcome& outcome) {
    return nlohmann::json::parse(response_of(outcome).body).at("error").get<std::string>();
  }
  static std::string header(const http_response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) {
        return v;
      }
    }
    return {};
  }
};

using HttpEvents = api_fixture;

TEST_F(HttpEvents, FiltersAndLastEventIdMakeAStreamPlan) {
  const auto outcome = call({.method = "GET",
                             .target = "/events?topic=sensors%2F%23&topic=a/+/c",
                             .last_event_id = "1234"});
  const auto* plan = std::get_if<sse_plan>(&outcome);
  ASSERT_NE(plan, nullptr);
  EXPECT_EQ(plan->filter.filters(), (std::vector<std::string>{"a/+/c", "sensors/#"}));
  EXPECT_EQ(plan->last_event_id, 1234u);
  EXPECT_EQ(plan->head.content_type, "text/event-stream; charset=utf-8");
  EXPECT_EQ(header(plan->head, "Cache-Control"), "no-cache");
}

TEST_F(HttpEvents, LastEventIdParameterStandsInForTheHeader) {
  const auto outcome = get("/events?topic=t&last_event_id=77");
  ASSERT_TRUE(std::holds_alternative<sse_plan>(outcome));
  EXPECT_EQ(std::get<sse_plan>(outcome).last_event_id, 77u);
}

TEST_F(HttpEvents, MissingTopicIsABadRequestSayingWhatToGive) {
  const auto outcome = get("/events");
  EXPECT_EQ(response_of(outcome).status, 400u);
  EXPECT_NE(error_of(outcome).find("at least one topic filter"), std::string::npos);
}

TEST_F(HttpEvents, InvalidFilterIsABadRequestNamingTheRule) {
  const auto outcome = get("/events?topic=a/%23/b");
  EXPECT_EQ(response_of(outcome).status, 400u);
  EXPECT_NE(error_of(outcome).find("'a/#/b'"), std::string::npos) << error_of(outcome);
  EXPECT_EQ(response_of(get("/events?topic=a/b%2B")).status, 400u);  // '+' inside a level
}

TEST_F(HttpEvents, SharedSubscriptionsAreRefused) {
  const auto outcome = get("/events?topic=%24share/g/t");
  EXPECT_EQ(response_of(outcome).status, 400u);
  EXPECT_NE(error_of(outcome).find("shared subscriptions"), std::string::npos);
}

TEST_F(HttpEvents, MalformedLastEventIdIsABadRequest) {
  EXPECT_EQ(
      response_of(call({.method = "GET", .target = "/events?topic=t", .last_event_id = "12x"}))
          .status,
      400u);
}

TEST_F(HttpEvents, FilterTheUserMayNotReadIsForbidden) {
  h.access.readable[""] = {"public/#"};
  EXPECT_TRUE(std::holds_alternative<sse_plan>(get("/events?topic=public/%23")));
  const auto outcome = get("/events?topic=public/%23&topic=secret/%23");
  EXPECT_EQ(response_of(outcome).status, 403u);
  EXPECT_NE(error_of(outcome).find("'secret/#'"), std::string::npos);
}

TEST_F(HttpEvents, PollTakesAfter) {
  const auto outcome = get("/poll?topic=t&after=5");
  ASSERT_TRUE(std::holds_alternative<poll_plan>(outcome));
  EXPECT_EQ(std::get<poll_plan>(outcome).after, 5u);
  EXPECT_FALSE(std::get<poll_plan>(get("/poll?topic=t")).after);
  EXPECT_EQ(response_of(get("/poll?topic=t&after=-1")).status, 400u);
}

using HttpAuth = api_fixture;

TEST_F(HttpAuth, ListenerRefusingAnonymousAsksForBasicCredentials) {
  connection.allow_anonymous = false;
  const auto r = response_of(get("/events?topic=t"));
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(header(r, "WWW-Authenticate"), "Basic realm=\"telemq\", charset=\"UTF-8\"");
  EXPECT_EQ(response_of(get("/")).status, 401u);  // the console too
}

TEST_F(HttpAuth, GoodCredentialsAreTheUsersIdentity) {
  connection.allow_anonymous = false;
  h.access.passwords["alice"] = "secret";
  const auto outcome = call({.method = "GET",
                             .target = "/events?topic=t",
                             .authorization = "Basic YWxpY2U6c2VjcmV0"});  // alice:secret
  ASSERT_TRUE(std::holds_alternative<sse_plan>(outcome));
  EXPECT_EQ(std::get<sse_plan>(outcome).filter.identity().username, "alice");
}

TEST_F(HttpAuth, BadPasswordOrMalformedHeaderIsUnauthorized) {
  h.access.passwords["alice"] = "secret";
  const auto bad = call({.method = "GET",
                         .target = "/events?topic=t",
                         .authorization = "Basic YWxpY2U6d3Jvbmc="});  // alice:wrong
  EXPECT_EQ(response_of(bad).status, 401u);
  EXPECT_EQ(error_of(bad), "bad user name or password");
  const auto malformed =
      call({.method = "GET", .target = "/events?topic=t", .authorization = "Bearer x"});
  EXPECT_EQ(response_of(malformed).status, 401u);
}

TEST_F(HttpAuth, VerifiedCertificateNameIsTheUser) {
  connection.allow_anonymous = false;
  connection.certificate_username = "device-7";
  const auto outcome = get("/events?topic=t");
  ASSERT_TRUE(std::holds_alternative<sse_plan>(outcome));
  EXPECT_EQ(std::get<sse_plan>(outcome).filter.identity().username, "device-7");
}

using HttpPublish = api_fixture;

TEST_F(HttpPublish, BodyIsPublishedWithQosAndRetain) {
  const auto r = response_of(post("/publish?topic=room%2Ft&qos=1&retain=1", "22.5"));
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.body, "{\"bytes\":4,\"qos\":1,\"retain\":true,\"topic\":\"room/t\"}");
  const auto* event = h.hub->ring().find(h.hub->ring().last_id());
  ASSERT_NE(event, nullptr);
  EXPECT_EQ(event->msg->topic, "room/t");
  EXPECT_EQ(event->msg->payload, "22.5");
  EXPECT_EQ(event->msg->qos_level, protocol::qos::at_least_once);
  std::size_t retained = 0;
  h.engine.retained_messages("room/t", [&](const core::message_ptr&) { ++retained; });
  EXPECT_EQ(retained, 1u);
}

TEST_F(HttpPublish, BadRequestsSayWhatIsWrong) {
  EXPECT_NE(error_of(post("/publish")).find("give the topic"), std::string::npos);
  EXPECT_NE(error_of(post("/publish?topic=a/%23")).find("'a/#'"), std::string::npos);
  EXPECT_NE(error_of(post("/publish?topic=t&qos=3")).find("qos must be 0, 1 or 2"),
            std::string::npos);
  EXPECT_NE(error_of(post("/publish?topic=t&retain=yes")).find("retain must be 0 or 1"),
            std::string::npos);
  EXPECT_EQ(response_of(post("/publish?topic=t&qos=3")).status, 400u);
}

TEST_F(HttpPublish, SysTopicsAndDeniedTopicsAreForbidden) {
  EXPECT_EQ(response_of(post("/publish?topic=%24SYS/x")).status, 403u);
  h.access.writable[""] = {"allowed"};
  EXPECT_EQ(response_of(post("/publish?topic=allowed")).status, 200u);
  const auto denied = post("/publish?topic=other");
  EXPECT_EQ(response_of(denied).status, 403u);
  EXPECT_NE(error_of(denied).find("'other'"), std::string::npos);
}

TEST_F(HttpPublish, WrongMethodIsRefusedWithAllow) {
  const auto r = response_of(get("/publish?topic=t"));
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(header(r, "Allow"), "POST");
  EXPECT_EQ(response_of(post("/events?topic=t")).status, 405u);
}

using HttpPages = api_fixture;

TEST_F(HttpPages, ConsoleIsServedAtTheRoot) {
  const auto r = response_of(get("/"));
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<html"), std::string::npos);
}

TEST_F(HttpPages, StatsAreJson) {
  h.publish("t", "x");
  const auto r = response_of(get("/stats"));
  EXPECT_EQ(r.status, 200u);
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body.at("connections").get<int>(), 0);
  EXPECT_EQ(body.at("messages_routed").get<int>(), 1);
  EXPECT_EQ(body.at("http").at("last_event_id").get<int>(), 1000);
}

TEST_F(HttpPages, UnknownPathIsNotFound) {
  EXPECT_EQ(response_of(get("/nope")).status, 404u);
  EXPECT_EQ(response_of(get("/events?topic=%zz")).status, 400u);
}

TEST_F(HttpPages, PlainRequestToTheMqttPathIsToldToUpgrade) {
  const auto r = response_of(get("/mqtt"));
  EXPECT_EQ(r.status, 426u);
  EXPECT_EQ(header(r, "Upgrade"), "websocket");
}

using HttpOrigins = api_fixture;

TEST_F(HttpOrigins, OtherSitesMayNotUseTheApiUnlessAllowed) {
  const auto foreign = call({.method = "POST",
                             .target = "/publish?topic=t",
                             .host = "broker:8080",
                             .origin = "https://evil.example"});
  EXPECT_EQ(response_of(foreign).status, 403u);
  const auto own = call({.method = "POST",
                         .target = "/publish?topic=t",
                         .host = "broker:8080",
                         .origin = "http://broker:8080"});
  EXPECT_EQ(response_of(own).status, 200u);
  options.origins = {"https://app.example"};
  const auto allowed = call({.method = "GET",
                             .target = "/stats",
                             .host = "broker:8080",
                             .origin = "https://app.example"});
  EXPECT_EQ(header(response_of(allowed), "Access-Control-Allow-Origin"), "https://app.example");
}

TEST_F(HttpOrigins, PreflightListsMethodsAndHeaders) {
  options.origins = {"https://app.example"};
  const auto r = response_of(
      call({.method = "OPTIONS", .target = "/publish", .origin = "https://app.example"}));
  EXPECT_EQ(r.status, 204u);
  EXPECT_EQ(header(r, "Access-Control-Allow-Methods"), "GET, POST, OPTIONS");
}

using WebSocketHandshake = api_fixture;

TEST_F(WebSocketHandshake, AnswersWithTheMqttSubprotocolTheClientOffered) {
  const auto outcome = call({.method = "GET",
                             .target = "/mqtt",
                             .websocket_upgrade = true,
                             .websocket_protocols = "chat, mqttv3.1, mqtt"});
  ASSERT_TRUE(std::holds_alternative<upgrade_plan>(outcome));
  EXPECT_EQ(std::get<upgrade_plan>(outcome).subprotocol, "mqttv3.1");
  const auto none = call({.method = "GET", .target = "/mqtt", .websocket_upgrade = true});
  EXPECT_EQ(std::get<upgrade_plan>(none).subprotocol, "");
}

TEST_F(WebSocketHandshake, OnlyOtherSubprotocolsAreRefusedWithABadRequest) {
  const auto outcome = call({.method = "GET",
                             .target = "/mqtt",
                             .websocket_upgrade = true,
                             .websocket_protocols = "chat, soap"});
  EXPECT_EQ(response_of(outcome).status, 400u);
  EXPECT_NE(error_of(outcome).find("subprotocol 'mqtt'"), std::string::npos);
}

TEST_F(WebSocketHandshake, OtherPathsHaveNoWebSocket) {
  EXPECT_EQ(response_of(call({.method = "GET",
                              .target = "/other",
                              .websocket_upgrade = true,
                              .websocket_protocols = "mqtt"}))
                .status,
            404u);
  options.mqtt_path = "/custom";
  EXPECT_TRUE(std::holds_alternative<upgrade_plan>(call({.method = "GET",
                                                         .target = "/custom",
                                                         .websocket_upgrade = true,
                                                         .websocket_protocols = "mqtt"})));
}

TEST_F(WebSocketHandshake, OriginListRestrictsBrowserPages) {
  const http_request from_page{.method = "GET",
                               .target = "/mqtt",
                               .host = "broker:8080",
                               .origin = "https://other.example",
                               .websocket_upgrade = true,
                               .websocket_protocols = "mqtt"};
  EXPECT_TRUE(std::holds_alternative<upgrade_plan>(call(from_page)));  // no list: any origin
  options.origins = {"https://app.example"};
  EXPECT_EQ(response_of(call(from_page)).status, 403u);
  auto allowed = from_page;
  allowed.origin = "https://app.example";
  EXPECT_TRUE(std::holds_alternative<upgrade_plan>(call(allowed)));
  auto no_origin = from_page;
  no_origin.origin.clear();  // not a browser
  EXPECT_TRUE(std::holds_alternative<upgrade_plan>(call(no_origin)));
}

}  // namespace
}  // namespace telemq::bridge_ws
