// Listener options from the URL, serialization of responses, the embedded console.
#include <gtest/gtest.h>

#include "bridge-ws/bridge_options.hpp"
#include "bridge-ws/console_assets.hpp"
#include "bridge-ws/http_response.hpp"
#include "bridge-ws/packet_boundaries.hpp"

namespace telemq::bridge_ws {
namespace {

using namespace std::chrono_literals;

TEST(BridgeOptions, DefaultsWithoutPathOrQuery) {
  const auto o = parse_bridge_options("");
  EXPECT_EQ(o, bridge_options{});
  EXPECT_EQ(o.mqtt_path, "/mqtt");
  EXPECT_EQ(o.replay.max_events, 10'000u);
  EXPECT_EQ(o.replay.max_age, 300s);
  EXPECT_EQ(o.heartbeat, 15s);
  EXPECT_EQ(o.poll_timeout, 25s);
}

TEST(BridgeOptions, PathAndEveryOption) {
  const auto o = parse_bridge_options(
      "/ws?origins=https://a.example,https://b.example&heartbeat=5&poll_timeout=10s"
      "&sse_max_duration=500ms&sse_chunk=1024&poll_max_events=10&frame_per_packet=1"
      "&replay_size=50&replay_age=2m&replay_bytes=4096");
  EXPECT_EQ(o.mqtt_path, "/ws");
  EXPECT_EQ(o.origins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(o.heartbeat, 5s);
  EXPECT_EQ(o.poll_timeout, 10s);
  EXPECT_EQ(o.sse_max_duration, 500ms);
  EXPECT_EQ(o.sse_chunk, 1024u);
  EXPECT_EQ(o.poll_max_events, 10u);
  EXPECT_TRUE(o.frame_per_packet);
  EXPECT_EQ(o.replay, (replay_limits{50, 120s, 4096}));
}

TEST(BridgeOptions, RefusalsNameTheOption) {
  const auto message = [](std::string_view path) {
    try {
      parse_bridge_options(path);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message("/mqtt?colour=blue").find("'colour': unknown"), std::string::npos);
  EXPECT_NE(message("/mqtt?replay_size=0").find("'replay_size'"), std::string::npos);
  EXPECT_NE(message("/mqtt?heartbeat=500ms").find("whole seconds"), std::string::npos);
  EXPECT_NE(message("/mqtt?sse_max_duration=1d").find("unknown unit"), std::string::npos);
  EXPECT_NE(message("/mqtt?heartbeat=%x").find("malformed"), std::string::npos);
  EXPECT_NE(message("/mqtt?frame_per_packet=yes").find("'frame_per_packet'"), std::string::npos);
}

TEST(Durations, UnitsAndBareSeconds) {
  EXPECT_EQ(parse_duration("30"), 30s);
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("5m"), 5min);
  EXPECT_EQ(parse_duration("1h"), 1h);
  EXPECT_THROW(parse_duration("s"), std::invalid_argument);
}

TEST(HttpResponse, SerializesStatusHeadersLengthAndBody) {
  http_response r{404, "application/json", "{}", {{"X-A", "1"}}};
  EXPECT_EQ(serialize(r, true),
            "HTTP/1.1 404 Not Found\r\nServer: telemq\r\nContent-Type: application/json\r\n"
            "X-A: 1\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}");
  EXPECT_NE(serialize(r, false).find("Connection: close\r\n"), std::string::npos);
}

TEST(HttpResponse, StreamHeadHasNoLengthAndClosesAtTheEnd) {
  EXPECT_EQ(serialize_stream_head({200, "text/event-stream", {}, {}}),
            "HTTP/1.1 200 OK\r\nServer: telemq\r\nContent-Type: text/event-stream\r\n"
            "Connection: close\r\n\r\n");
}

TEST(HttpResponse, JsonErrorEscapes) {
  EXPECT_EQ(json_error(400, "bad \"x\"").body, "{\"error\":\"bad \\\"x\\\"\"}");
}

TEST(ConsoleAssets, IndexAndScriptsAreEmbeddedWithTheirTypes) {
  const auto index = find_console_asset("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(find_console_asset("/index.html")->body, index->body);
  const auto script = find_console_asset("/console.js");
  ASSERT_TRUE(script);
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  EXPECT_FALSE(find_console_asset("/../CMakeLists.txt"));
  EXPECT_FALSE(find_console_asset("index.html"));
}

TEST(PacketBoundaries, FirstPacketEndsAfterItsRemainingLength) {
  const std::vector<std::uint8_t> two{0x90, 0x03, 0x00, 0x01,
                                      0x00, 0xd0, 0x00};  // SUBACK, PINGRESP
  EXPECT_EQ(first_packet_size(two), 5u);
  EXPECT_EQ(first_packet_size(std::span(two).subspan(5)), 2u);
  std::vector<std::uint8_t> big{0x30, 0x80, 0x01};  // Remaining Length 128 in two bytes
  big.resize(3 + 128 + 2, 0);
  EXPECT_EQ(first_packet_size(big), 131u);
}

TEST(PacketBoundaries, IncompleteOrMalformedHeaderMeansTheWholeBuffer) {
  const std::vector<std::uint8_t> truncated{0x30, 0x05, 0x00};
  EXPECT_EQ(first_packet_size(truncated), 3u);
  const std::vector<std::uint8_t> endless{0x30, 0xff, 0xff, 0xff, 0xff, 0x01};
  EXPECT_EQ(first_packet_size(endless), 6u);
}

}  // namespace
}  // namespace telemq::bridge_ws
