// What an event stream and a long poll send: retained first, then live; resuming after an id
// without gap or duplicate; reset when the gap is older than the ring; pieces of bounded size.
#include "bridge-ws/sse_stream.hpp"

#include <gtest/gtest.h>

#include "bridge-ws/long_poll.hpp"
#include "bridge_harness.hpp"

namespace telemq::bridge_ws {
namespace {

using testing::bridge_harness;

// The "id:" values and "data:" lines of an SSE body, in order, as "id|data" ("-" for no id).
std::vector<std::string> events_of(const std::string& body) {
  std::vector<std::string> out;
  std::string id = "-";
  std::string type;
  std::string data;
  std::size_t start = 0;
  while (start < body.size()) {
    const auto end = body.find('\n', start);
    const std::string line = body.substr(start, end - start);
    start = end + 1;
    if (line.empty()) {
      if (!data.empty()) {
        out.push_back((type.empty() ? "" : type + ":") + id + "|" + data);
      }
      id = "-";
      type.clear();
      data.clear();
    } else if (line.starts_with("id: ")) {
      id = line.substr(4);
    } else if (line.starts_with("event: ")) {
      type = line.substr(7);
    } else if (line.starts_with("data: ")) {
      data = line.substr(6);
    }
  }
  return out;
}

std::string topic_of(const std::string& event) {
  const std::string key = "\"topic\":\"";
  const auto start = event.find(key);
  if (start == std::string::npos) {
    return {};
  }
  const auto from = start + key.size();
  return event.substr(from, event.find('"', from) - from);
}

event_filter filter_for(bridge_harness& h, std::vector<std::string> filters,
                        std::string user = {}) {
  return event_filter(std::move(filters), core::client_identity{{}, std::move(user)}, h.access);
}

std::string drain(sse_stream& stream, bridge_harness& h, std::size_t limit = 1 << 20) {
  std::string out;
  while (stream.fill(h.hub->ring(), out, limit, h.now) == sse_stream::fill_status::more) {
  }
  return out;
}

TEST(SseStream, NewStreamGetsRetainedWithoutIdsThenLiveMarkerThenLiveEvents) {
  bridge_harness h;
  h.publish("sensors/b", "2", true);
  h.publish("sensors/a", "1", true);
  h.publish("other/x", "9", true);
  sse_stream stream(filter_for(h, {"sensors/#"}), h.hub->ring(), h.engine, std::nullopt, h.now);
  h.publish("sensors/a", "live");
  h.publish("other/x", "not for us");
  const std::string body = drain(stream, h);
  EXPECT_TRUE(body.starts_with("retry: 1000\n"));
  const auto events = events_of(body);
  ASSERT_EQ(events.size(), 4u) << body;
  EXPECT_EQ(topic_of(events[0]), "sensors/a");  // retained, in topic order, without ids
  EXPECT_TRUE(events[0].starts_with("-|"));
  EXPECT_NE(events[0].find("\"retain\":true"), std::string::npos);
  EXPECT_EQ(topic_of(events[1]), "sensors/b");
  EXPECT_EQ(events[2], "live:1002|{\"id\":1002}");  // three retained publishes: 1000..1002
  EXPECT_TRUE(
      events[3].starts_with("1003|{\"id\":1003,\"topic\":\"sensors/a\",\"payload\":\"live\""))
      << events[3];
}

TEST(SseStream, OverlappingFiltersDeliverEachMessageOnce) {
  bridge_harness h;
  h.publish("a/b", "r", true);
  sse_stream stream(filter_for(h, {"a/#", "a/+", "#"}), h.hub->ring(), h.engine, std::nullopt,
                    h.now);
  h.publish("a/b", "l");
  const auto events = events_of(drain(stream, h));
  ASSERT_EQ(events.size(), 3u);  // retained, live marker, live
}

TEST(SseStream, ResumeAfterLastEventIdHasNoGapNoDuplicateAndNoRetainedReplay) {
  bridge_harness h;
  h.publish("t", "retained", true);  // 1000
  h.publish("t", "a");               // 1001
  h.publish("t", "b");               // 1002
  h.publish("t", "c");               // 1003
  sse_stream stream(filter_for(h, {"t"}), h.hub->ring(), h.engine, 1001, h.now);
  const auto events = events_of(drain(stream, h));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[0].starts_with("1002|"));
  EXPECT_TRUE(events[1].starts_with("1003|"));
}

TEST(SseStream, GapOlderThanTheRingIsAnnouncedByResetThenStartsOver) {
  bridge_harness h({.max_events = 2});
  h.publish("t", "retained", true);  // 1000
  for (int i = 0; i < 4; ++i) {
    h.publish("t", std::to_string(i));  // 1001..1004; the ring keeps 1003, 1004
  }
  sse_stream stream(filter_for(h, {"t"}), h.hub->ring(), h.engine, 1001, h.now);
  const auto events = events_of(drain(stream, h));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0], "reset:-|{\"last_event_id\":1001,\"oldest_id\":1003}");
  EXPECT_EQ(topic_of(events[1]), "t");  // the retained state again
  EXPECT_EQ(events[2], "live:1004|{\"id\":1004}");
}

TEST(SseStream, IdFromAnotherRunGetsReset) {
  bridge_harness h;
  h.publish("t", "x");
  sse_stream stream(filter_for(h, {"t"}), h.hub->ring(), h.engine, 999'999, h.now);
  EXPECT_TRUE(events_of(drain(stream, h))[0].starts_with("reset:"));
}

TEST(SseStream, FillsInPiecesOfAboutTheLimit) {
  bridge_harness h;
  sse_stream stream(filter_for(h, {"t"}), h.hub->ring(), h.engine, std::nullopt, h.now);
  std::string out;
  EXPECT_EQ(stream.fill(h.hub->ring(), out, 100, h.now), sse_stream::fill_status::idle);
  for (int i = 0; i < 10; ++i) {
    h.publish("t", std::string(40, 'x'));
  }
  std::size_t pieces = 0;
  std::string all;
  for (;;) {
    out.clear();
    const auto status = stream.fill(h.hub->ring(), out, 100, h.now);
    all += out;
    ++pieces;
    EXPECT_LT(out.size(), 100u + 200u);  // at most one event past the limit
    if (status == sse_stream::fill_status::idle) {
      break;
    }
    ASSERT_LT(pieces, 20u);
  }
  EXPECT_GT(pieces, 5u);
  EXPECT_EQ(events_of(all).size(), 10u);
}

TEST(SseStream, SlowStreamFallsBehindWhenItsNextEventLeavesTheRing) {
  bridge_harness h({.max_events = 3});
  sse_stream stream(filter_for(h, {"t"}), h.hub->ring(), h.engine, std::nullopt, h.now);
  std::string out;
  stream.fill(h.hub->ring(), out, 1 << 20, h.now);
  h.publish("t", "1");
  h.publish("t", "2");
  h.publish("t", "3");
  EXPECT_FALSE(stream.fell_behind(h.hub->ring()));
  h.publish("t", "4");  // the first one it has not received is gone
  EXPECT_TRUE(stream.fell_behind(h.hub->ring()));
  EXPECT_EQ(stream.fill(h.hub->ring(), out, 1 << 20, h.now), sse_stream::fill_status::fell_behind);
}

TEST(SseStream, SkipsTopicsTheUserMayNotRead) {
  bridge_harness h;
  h.access.readable["alice"] = {"#"};
  h.access.readable["bob"] = {"public/x"};
  sse_stream alice(filter_for(h, {"#"}, "alice"), h.hub->ring(), h.engine, std::nullopt, h.now);
  sse_stream bob(filter_for(h, {"#"}, "bob"), h.hub->ring(), h.engine, std::nullopt, h.now);
  h.publish("public/x", "1");
  h.publish("secret/y", "2");
  EXPECT_EQ(events_of(drain(alice, h)).size(), 3u);  // live marker + 2
  EXPECT_EQ(events_of(drain(bob, h)).size(), 2u);    // live marker + 1
}

TEST(LongPoll, FirstPollAnswersAtOnceWithRetainedAndTheIdToPollAfter) {
  bridge_harness h;
  h.publish("t/a", "r", true);  // 1000
  long_poll poll(filter_for(h, {"t/#"}), h.hub->ring(), std::nullopt, 100, h.now);
  const auto answer = poll.answer(h.hub->ring(), h.engine, h.now);
  ASSERT_TRUE(answer);
  EXPECT_EQ(*answer,
            "{\"events\":[{\"topic\":\"t/a\",\"payload\":\"r\",\"base64\":false,\"qos\":0,"
            "\"retain\":true}],\"last_id\":1000,\"reset\":false}");
}

TEST(LongPoll, WaitsWhenNothingMatchesAndAnswersWithLaterEvents) {
  bridge_harness h;
  h.publish("t", "0");  // 1000
  long_poll poll(filter_for(h, {"t"}), h.hub->ring(), 1000, 100, h.now);
  EXPECT_FALSE(poll.answer(h.hub->ring(), h.engine, h.now));
  h.publish("other", "x");  // 1001
  EXPECT_FALSE(poll.answer(h.hub->ring(), h.engine, h.now));
  EXPECT_EQ(poll.timeout_answer(), "{\"events\":[],\"last_id\":1001,\"reset\":false}");
  h.publish("t", "1");  // 1002
  const auto answer = poll.answer(h.hub->ring(), h.engine, h.now);
  ASSERT_TRUE(answer);
  EXPECT_NE(answer->find("\"id\":1002"), std::string::npos);
  EXPECT_NE(answer->find("\"last_id\":1002"), std::string::npos);
}

TEST(LongPoll, AnswerHoldsAtMostMaxEventsAndResumesAfterThem) {
  bridge_harness h;
  for (int i = 0; i < 5; ++i) {
    h.publish("t", std::to_string(i));  // 1000..1004
  }
  long_poll first(filter_for(h, {"t"}), h.hub->ring(), 999, 2, h.now);
  const auto answer = first.answer(h.hub->ring(), h.engine, h.now);
  ASSERT_TRUE(answer);
  EXPECT_NE(answer->find("\"last_id\":1001"), std::string::npos) << *answer;
  long_poll second(filter_for(h, {"t"}), h.hub->ring(), 1001, 2, h.now);
  EXPECT_NE(second.answer(h.hub->ring(), h.engine, h.now)->find("\"id\":1002"), std::string::npos);
}

TEST(LongPoll, AfterAnIdTheRingNoLongerCoversAnswersWithResetAndRetained) {
  bridge_harness h({.max_events = 2});
  h.publish("t", "r", true);
  for (int i = 0; i < 5; ++i) {
    h.publish("t", std::to_string(i));
  }
  long_poll poll(filter_for(h, {"t"}), h.hub->ring(), 1000, 100, h.now);
  const auto answer = poll.answer(h.hub->ring(), h.engine, h.now);
  ASSERT_TRUE(answer);
  EXPECT_NE(answer->find("\"reset\":true"), std::string::npos);
  EXPECT_NE(answer->find("\"retain\":true"), std::string::npos);
  EXPECT_NE(answer->find("\"last_id\":1005"), std::string::npos);
}

}  // namespace
}  // namespace telemq::bridge_ws
