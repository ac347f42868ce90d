// The replay ring: ids, its three bounds, and telling a resumable position from a gap.
#include "bridge-ws/replay_ring.hpp"

#include <gtest/gtest.h>

#include "bridge-ws/event_json.hpp"
#include "bridge_harness.hpp"

namespace telemq::bridge_ws {
namespace {

using testing::make_message;
using namespace std::chrono_literals;

const core::timestamp t0 = core::timestamp(std::chrono::seconds(1'700'000'000));

TEST(ReplayRing, IdsIncreaseByOneFromTheFirstId) {
  replay_ring ring({}, 500);
  EXPECT_EQ(ring.last_id(), 499u);
  EXPECT_EQ(ring.oldest_id(), 500u);
  ring.push(make_message("a", "1"), t0);
  ring.push(make_message("b", "2"), t0);
  EXPECT_EQ(ring.last_id(), 501u);
  EXPECT_EQ(ring.oldest_id(), 500u);
  ASSERT_NE(ring.find(501), nullptr);
  EXPECT_EQ(ring.find(501)->msg->topic, "b");
  EXPECT_EQ(ring.find(499), nullptr);
  EXPECT_EQ(ring.find(502), nullptr);
}

TEST(ReplayRing, CountBoundDropsTheOldest) {
  replay_ring ring({.max_events = 3}, 1);
  for (int i = 0; i < 5; ++i) {
    ring.push(make_message("t", std::to_string(i)), t0);
  }
  EXPECT_EQ(ring.size(), 3u);
  EXPECT_EQ(ring.oldest_id(), 3u);
  EXPECT_EQ(ring.last_id(), 5u);
  EXPECT_EQ(ring.find(3)->msg->payload, "2");
}

TEST(ReplayRing, ByteBoundCountsTopicPayloadAndJsonButKeepsTheNewest) {
  replay_ring ring({.max_bytes = 10}, 1);
  ring.push(make_message("ab", "cdef"), t0);  // 6 bytes
  ring.push(make_message("ab", "cd"), t0);    // 4 more: 10, at the limit
  EXPECT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring.bytes(), 10u);
  ring.push(make_message("a", "b"), t0);  // 12: the oldest goes
  EXPECT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring.oldest_id(), 2u);
  ring.push(make_message("big", std::string(100, 'x')), t0);
  EXPECT_EQ(ring.size(), 1u);  // over the limit alone, yet held
  EXPECT_EQ(ring.last_id(), 4u);
  const auto bytes = ring.bytes();
  const auto& json = ring.json(*ring.find(4));
  EXPECT_EQ(ring.bytes(), bytes + json.size());
}

TEST(ReplayRing, AgeBoundDropsOldEventsOnPushAndPrune) {
  replay_ring ring({.max_age = 60s}, 1);
  ring.push(make_message("t", "old"), t0);
  ring.push(make_message("t", "newer"), t0 + 30s);
  ring.prune(t0 + 61s);
  EXPECT_EQ(ring.oldest_id(), 2u);
  ring.push(make_message("t", "new"), t0 + 100s);
  EXPECT_EQ(ring.oldest_id(), 3u);
  ring.prune(t0 + 1000s);
  EXPECT_EQ(ring.size(), 0u);
  EXPECT_EQ(ring.last_id(), 3u);  // ids go on where they were
  EXPECT_EQ(ring.oldest_id(), 4u);
}

TEST(ReplayRing, CoversPositionsWhoseNextEventIsHeldOrNotYetHappened) {
  replay_ring ring({.max_events = 3}, 10);
  EXPECT_TRUE(ring.covers(9));  // nothing yet: a client at the start missed nothing
  for (int i = 0; i < 6; ++i) {
    ring.push(make_message("t", "x"), t0);
  }
  // Held: 13, 14, 15.
  EXPECT_TRUE(ring.covers(15));   // up to date
  EXPECT_TRUE(ring.covers(12));   // next is 13, held
  EXPECT_FALSE(ring.covers(11));  // 12 is gone: a gap
  EXPECT_FALSE(ring.covers(16));  // never given: another run's id
  EXPECT_FALSE(ring.covers(0));
}

TEST(ReplayRing, WidenOnlyGrowsLimits) {
  replay_ring ring({.max_events = 10, .max_age = 60s, .max_bytes = 100}, 1);
  ring.widen({.max_events = 5, .max_age = 120s, .max_bytes = 1000});
  EXPECT_EQ(ring.limits(), (replay_limits{10, 120s, 1000}));
}

TEST(EventJson, TextPayloadIsItselfWithIdAndTimestamp) {
  auto msg = std::make_shared<core::message>();
  msg->topic = "sensors/t1";
  msg->payload = "21.5 °C";
  msg->qos_level = protocol::qos::at_least_once;
  EXPECT_EQ(encode_event_json(*msg, 7, core::timestamp(std::chrono::milliseconds(1234))),
            "{\"id\":7,\"topic\":\"sensors/t1\",\"payload\":\"21.5 °C\",\"base64\":false,"
            "\"qos\":1,\"retain\":false,\"timestamp\":1234}");
}

TEST(EventJson, BinaryPayloadIsBase64WithTheFlag) {
  auto msg = std::make_shared<core::message>();
  msg->topic = "raw";
  msg->payload = std::string("\xff\x00\x01", 3);
  msg->retain = true;
  EXPECT_EQ(encode_event_json(*msg, std::nullopt, std::nullopt),
            "{\"topic\":\"raw\",\"payload\":\"/wAB\",\"base64\":true,\"qos\":0,\"retain\":true}");
}

TEST(EventJson, EscapesJsonAndCarriesContentType) {
  auto msg = std::make_shared<core::message>();
  msg->topic = "t";
  msg->payload = "{\"v\":\"a\nb\"}";
  auto props = std::make_shared<protocol::properties>();
  props->content_type = "application/json";
  msg->props = props;
  EXPECT_EQ(encode_event_json(*msg, std::nullopt, std::nullopt),
            "{\"topic\":\"t\",\"payload\":\"{\\\"v\\\":\\\"a\\nb\\\"}\",\"base64\":false,"
            "\"qos\":0,\"retain\":false,\"content_type\":\"application/json\"}");
}

}  // namespace
}  // namespace telemq::bridge_ws
