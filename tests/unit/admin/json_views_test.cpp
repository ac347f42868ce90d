#include "broker/admin/json_views.hpp"

#include <gtest/gtest.h>

namespace telemq::admin {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

TEST(JsonViews, TimesAreUtcIso8601) {
  const core::timestamp when = core::timestamp{} + 1'714'564'800s;  // 2024-05-01 12:00:00 UTC
  EXPECT_EQ(format_utc(when + 900ms), "2024-05-01T12:00:00Z");
}

TEST(JsonViews, ASessionSaysWhereItIsConnectedOnlyWhileItIs) {
  core::session_info s;
  s.client_id = "plant/7";
  s.online = true;
  s.address = "10.0.0.7:5000";
  s.listener = "mqtt://0.0.0.0:1883";
  s.version = protocol::protocol_version::v3_1;
  auto j = session_json(s);
  EXPECT_EQ(j.at("protocol"), "3.1");
  EXPECT_EQ(j.at("address"), "10.0.0.7:5000");
  EXPECT_TRUE(j.at("disconnected_at").is_null());

  s.online = false;
  s.disconnected_at = core::timestamp{} + 1'714'564'800s;
  j = session_json(s);
  EXPECT_FALSE(j.contains("address"));
  EXPECT_FALSE(j.contains("keep_alive"));
  EXPECT_EQ(j.at("disconnected_at"), "2024-05-01T12:00:00Z");
}

TEST(JsonViews, AMessageCarriesItsPropertiesAndTimeToLive) {
  core::message msg;
  msg.topic = "t";
  msg.payload = "hello";
  msg.qos_level = protocol::qos::at_least_once;
  auto props = std::make_shared<protocol::properties>();
  props->content_type = "text/plain";
  props->user_properties = {{"k", "v"}};
  msg.props = props;
  const core::timestamp now = core::timestamp{} + 1000s;
  msg.expires_at = now + 30s;
  const auto j = message_json(msg, now);
  EXPECT_EQ(j.at("payload"), "hello");
  EXPECT_EQ(j.at("size"), 5);
  EXPECT_EQ(j.at("qos"), 1);
  EXPECT_EQ(j.at("expires_in"), 30);
  EXPECT_EQ(j.at("content_type"), "text/plain");
  EXPECT_EQ(j.at("user_properties"), json::array({json::array({"k", "v"})}));
  EXPECT_FALSE(j.contains("payload_encoding"));

  msg.expires_at = now - 5s;  // expired, not yet swept
  EXPECT_EQ(message_json(msg, now).at("expires_in"), 0);
}

TEST(JsonViews, BinaryPayloadsAreBase64) {
  core::message msg;
  msg.payload = std::string("\x00\x01\xfe", 3);
  const auto j = message_json(msg, core::timestamp{});
  EXPECT_EQ(j.at("payload"), "AAH+");
  EXPECT_EQ(j.at("payload_encoding"), "base64");
}

TEST(JsonViews, InvalidUtf8IsReplacedNotThrown) {
  const auto r = json_response(200, {{"client_id", std::string("bad\xff")}});
  EXPECT_EQ(r.body, "{\"client_id\":\"bad\xEF\xBF\xBD\"}\n");
  EXPECT_EQ(r.content_type, "application/json");
  const auto e = error_response(404, "no such resource");
  EXPECT_EQ(e.status, 404U);
  EXPECT_EQ(json::parse(e.body), (json{{"error", "no such resource"}}));
}

}  // namespace
}  // namespace telemq::admin
