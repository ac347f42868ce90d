// Publish/subscribe delivery: exact counts, order, QoS downgrade, payload and topic integrity.
#include <random>

#include "fixture/broker_test.hpp"

namespace telemq::integration {
namespace {

using PubSub = broker_test;

constexpr int message_count = 200;

std::string describe(const std::vector<std::string>& payloads) {
  std::string out = std::to_string(payloads.size()) + " messages:";
  std::size_t shown = 0;
  for (const auto& p : payloads) {
    if (++shown > 20) {
      out += " ...";
      break;
    }
    out += " " + p;
  }
  return out;
}

// N messages from one publisher on one topic arrive once each, in order, intact, at the QoS
// of the publication (sub QoS equals pub QoS here); a trailing sentinel shows that nothing
// arrives twice.
void check_ordered_exactly_once(broker_test& test, protocol version, int qos) {
  auto subscriber = test.connected_client("sub", version);
  ASSERT_EQ(subscriber->subscribe("pubsub/ordered", qos), std::vector<int>{qos})
      << "SUBACK should grant the requested QoS";
  auto publisher = test.connected_client("pub", version);

  publisher->publish_all(numbered_messages("pubsub/ordered", "m", message_count, qos));
  publisher->publish("pubsub/ordered", "end", qos);

  ASSERT_TRUE(subscriber->messages().wait_for_payload("end"))
      << "sentinel not received; got " << describe(subscriber->messages().payloads());
  auto messages = subscriber->messages().snapshot();
  auto expected = numbered_payloads("m", message_count);
  expected.push_back("end");
  EXPECT_EQ(subscriber->messages().payloads(), expected)
      << "every message exactly once and in publication order";
  for (const auto& m : messages) {
    EXPECT_EQ(m->get_topic(), "pubsub/ordered");
    EXPECT_EQ(m->get_qos(), qos) << "payload " << m->get_payload_str();
    EXPECT_FALSE(m->is_retained()) << "payload " << m->get_payload_str();
  }
}

TEST_F(PubSub, Qos0OrderedExactlyOnce_V311_MQTT_4_6_0_6) {
  check_ordered_exactly_once(*this, protocol::v311, 0);
}
TEST_F(PubSub, Qos1OrderedExactlyOnce_V311_MQTT_4_6_0_6) {
  check_ordered_exactly_once(*this, protocol::v311, 1);
}
TEST_F(PubSub, Qos2OrderedExactlyOnce_V311_MQTT_4_3_3_and_4_6_0_6) {
  check_ordered_exactly_once(*this, protocol::v311, 2);
}
TEST_F(PubSub, Qos0OrderedExactlyOnce_V5_MQTT_4_6_0_6) {
  check_ordered_exactly_once(*this, protocol::v5, 0);
}
TEST_F(PubSub, Qos1OrderedExactlyOnce_V5_MQTT_4_6_0_6) {
  check_ordered_exactly_once(*this, protocol::v5, 1);
}
TEST_F(PubSub, Qos2OrderedExactlyOnce_V5_MQTT_4_3_3_and_4_6_0_6) {
  check_ordered_exactly_once(*this, protocol::v5, 2);
}

// Each subscriber (granted 0, 1, 2) receives each publication (QoS 0, 1, 2) at the lower of the
// two. The messages come at different QoS levels, which the spec does not order relative to one
// another, so they are matched by payload.
void check_qos_downgrade(broker_test& test, protocol version) {
  std::vector<std::unique_ptr<test_client>> subscribers;
  for (int granted = 0; granted <= 2; ++granted) {
    subscribers.push_back(test.connected_client("sub" + std::to_string(granted), version));
    ASSERT_EQ(subscribers.back()->subscribe("pubsub/qos", granted), std::vector<int>{granted});
  }
  auto publisher = test.connected_client("pub", version);
  for (int published = 0; published <= 2; ++published) {
    publisher->publish("pubsub/qos", "p" + std::to_string(published), published);
  }
  for (int granted = 0; granted <= 2; ++granted) {
    auto& log = subscribers[static_cast<std::size_t>(granted)]->messages();
    ASSERT_TRUE(log.wait_for_count(3))
        << "subscriber granted QoS " << granted << " got " << describe(log.payloads());
    auto messages = log.snapshot();
    ASSERT_EQ(messages.size(), 3u);
    for (const auto& m : messages) {
      int published = m->get_payload_str().back() - '0';
      EXPECT_EQ(m->get_qos(), std::min(published, granted))
          << "published at QoS " << published << ", subscription granted QoS " << granted;
    }
  }
}

TEST_F(PubSub, DeliveredQosIsMinOfPublishedAndGranted_V311_MQTT_3_8_4_6) {
  check_qos_downgrade(*this, protocol::v311);
}
TEST_F(PubSub, DeliveredQosIsMinOfPublishedAndGranted_V5_MQTT_3_8_4_8) {
  check_qos_downgrade(*this, protocol::v5);
}

// Topic names are UTF-8 and payloads arbitrary bytes, both delivered unaltered, including a
// payload large enough to span many TCP segments.
TEST_F(PubSub, Utf8TopicAndBinaryPayloadIntact_MQTT_1_5_4_and_3_3_3) {
  const std::string topic = "sens\xC3\xB6r/\xE6\xB8\xA9\xE5\xBA\xA6/\xF0\x9F\x8C\xA1";
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) {
    all_bytes.push_back(static_cast<char>(b));
  }
  std::string large(64 * 1024, '\0');
  std::mt19937 rng(42);
  for (auto& c : large) {
    c = static_cast<char>(rng() & 0xFF);
  }

  auto subscriber = connected_client("sub", protocol::v311);
  subscriber->subscribe("sens\xC3\xB6r/#", 1);
  auto publisher = connected_client("pub", protocol::v311);
  publisher->publish(topic, all_bytes, 1);
  publisher->publish(topic, large, 1);
  publisher->publish(topic, "", 1);

  ASSERT_TRUE(subscriber->messages().wait_for_count(3));
  auto messages = subscriber->messages().snapshot();
  ASSERT_EQ(messages.size(), 3u);
  for (const auto& m : messages) {
    EXPECT_EQ(m->get_topic(), topic);
  }
  EXPECT_TRUE(messages[0]->get_payload_str() == all_bytes) << "all 256 byte values";
  EXPECT_TRUE(messages[1]->get_payload_str() == large) << "64 KiB random payload";
  EXPECT_TRUE(messages[2]->get_payload_str().empty()) << "zero-length payload";
}

// A client receives its own publications when subscribed (no No Local in 3.1.1), and an
// unsubscribed filter stops delivery.
TEST_F(PubSub, UnsubscribeStopsDelivery_MQTT_3_10_4_1) {
  auto client = connected_client("self", protocol::v311);
  auto other = connected_client("other", protocol::v311);
  client->subscribe("pubsub/u", 1);
  other->subscribe("pubsub/u", 1);
  client->publish("pubsub/u", "before", 1);
  ASSERT_TRUE(client->messages().wait_for_payload("before"));
  client->unsubscribe("pubsub/u");
  client->publish("pubsub/u", "after", 1);
  // `other` seeing "after" means it was routed; `client` must not get it.
  ASSERT_TRUE(other->messages().wait_for_payload("after"));
  client->subscribe("pubsub/marker", 1);
  client->publish("pubsub/marker", "marker", 1);
  ASSERT_TRUE(client->messages().wait_for_payload("marker"));
  EXPECT_EQ(client->messages().payloads(), (std::vector<std::string>{"before", "marker"}));
}

}  // namespace
}  // namespace telemq::integration
