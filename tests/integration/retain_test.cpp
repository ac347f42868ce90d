// Retained messages: storage, replacement, deletion, flags, and the v5 subscription options.
#include <algorithm>

#include "fixture/broker_test.hpp"

namespace telemq::integration {
namespace {

using Retain = broker_test;
using rh = mqtt::subscribe_options;

// Publishes a non-retained sentinel and returns what the subscriber received before it.
// Retained messages are sent while the SUBSCRIBE is handled, so anything due is on the wire
// before a sentinel published after the SUBACK. The sentinel goes at the QoS of the messages
// looked for: Paho hands a QoS 2 message to the application only at PUBREL, so a QoS 1
// sentinel could overtake it inside the client.
std::vector<mqtt::const_message_ptr> until_sentinel(test_client& subscriber, test_client& publisher,
                                                    const std::string& topic, int qos = 1,
                                                    const std::string& sentinel = "end") {
  publisher.publish(topic, sentinel, qos);
  if (!subscriber.messages().wait_for_payload(sentinel)) {
    ADD_FAILURE() << "sentinel '" << sentinel << "' not received";
    return subscriber.messages().snapshot();
  }
  std::vector<mqtt::const_message_ptr> before;
  for (const auto& m : subscriber.messages().snapshot()) {
    if (m->get_payload_str() == sentinel) {
      break;
    }
    before.push_back(m);
  }
  return before;
}

std::vector<std::string> payloads_of(const std::vector<mqtt::const_message_ptr>& messages) {
  std::vector<std::string> out;
  for (const auto& m : messages) {
    out.push_back(m->get_payload_str());
  }
  return out;
}

TEST_F(Retain, DeliveredOnSubscribeWithRetainFlagSet_MQTT_3_3_1_6_and_3_3_1_8) {
  auto publisher = connected_client("pub", protocol::v311);
  publisher->publish("retain/a", "hello", 1, true);

  auto subscriber = connected_client("sub", protocol::v311);
  subscriber->subscribe("retain/a", 1);
  auto before = until_sentinel(*subscriber, *publisher, "retain/a");
  ASSERT_EQ(payloads_of(before), std::vector<std::string>{"hello"});
  EXPECT_TRUE(before[0]->is_retained()) << "sent because of a new subscription: RETAIN 1";
  EXPECT_EQ(before[0]->get_qos(), 1);
  EXPECT_EQ(before[0]->get_topic(), "retain/a");
}

TEST_F(Retain, RetainedDeliveredAtMinOfStoredAndGrantedQos_MQTT_3_3_1_5) {
  auto publisher = connected_client("pub", protocol::v311);
  publisher->publish("retain/q2", "stored-at-2", 2, true);
  publisher->publish("retain/q0", "stored-at-0", 0, true);
  publisher->publish("retain/flush", "flush", 1);  // the QoS 0 one is processed before this ack

  auto subscriber = connected_client("sub", protocol::v311);
  subscriber->subscribe("retain/q2", 1);
  subscriber->subscribe("retain/q0", 2);
  ASSERT_TRUE(subscriber->messages().wait_for_count(2));
  for (const auto& m : subscriber->messages().snapshot()) {
    if (m->get_topic() == "retain/q2") {
      EXPECT_EQ(m->get_qos(), 1) << "stored at QoS 2, granted QoS 1";
    } else {
      EXPECT_EQ(m->get_qos(), 0) << "stored at QoS 0, granted QoS 2";
    }
    EXPECT_TRUE(m->is_retained());
  }
}

TEST_F(Retain, NewerRetainedReplacesOlder_MQTT_3_3_1_5_and_3_3_1_7) {
  auto publisher = connected_client("pub", protocol::v311);
  publisher->publish("retain/r", "one", 1, true);
  publisher->publish("retain/r", "two", 2, true);

  auto first = connected_client("sub1", protocol::v311);
  first->subscribe("retain/r", 2);
  EXPECT_EQ(payloads_of(until_sentinel(*first, *publisher, "retain/r", 2)),
            std::vector<std::string>{"two"});

  // A QoS 0 retained message MUST discard the previous one (and SHOULD replace it).
  publisher->publish("retain/r", "zero", 0, true);
  publisher->publish("retain/flush", "flush", 1);
  auto second = connected_client("sub2", protocol::v311);
  second->subscribe("retain/r", 2);
  auto got = payloads_of(until_sentinel(*second, *publisher, "retain/r", 0, "end0"));
  EXPECT_TRUE(got.empty() || got == std::vector<std::string>{"zero"})
      << "after a QoS 0 retained publish only that message (or none) may be retained; got "
      << ::testing::PrintToString(got);
}

void check_empty_payload_deletes(broker_test& test, protocol version) {
  auto publisher = test.connected_client("pub", version);
  auto live = test.connected_client("live", version);
  live->subscribe("retain/d", 1);
  publisher->publish("retain/d", "doomed", 1, true);
  publisher->publish("retain/d", "", 1, true);
  // The zero-byte retained PUBLISH is still an ordinary message for current subscribers.
  EXPECT_EQ(payloads_of(until_sentinel(*live, *publisher, "retain/d")),
            (std::vector<std::string>{"doomed", ""}));

  auto late = test.connected_client("late", version);
  late->subscribe("retain/d", 1);
  late->subscribe("retain/#", 1);
  EXPECT_TRUE(until_sentinel(*late, *publisher, "retain/d", 1, "end-late").empty())
      << "the retained message was deleted and the empty one must not be stored";
}

TEST_F(Retain, EmptyPayloadDeletes_MQTT_3_3_1_10_and_3_3_1_11) {
  check_empty_payload_deletes(*this, protocol::v311);
}
TEST_F(Retain, EmptyPayloadDeletes_V5_MQTT_3_3_1_6_and_3_3_1_7) {
  check_empty_payload_deletes(*this, protocol::v5);
}

TEST_F(Retain, LiveDeliveryHasRetainFlagCleared_MQTT_3_3_1_9) {
  auto subscriber = connected_client("sub", protocol::v311);
  subscriber->subscribe("retain/live", 2);
  auto publisher = connected_client("pub", protocol::v311);
  publisher->publish("retain/live", "now", 1, true);
  ASSERT_TRUE(subscriber->messages().wait_for_count(1));
  auto m = subscriber->messages().snapshot().front();
  EXPECT_EQ(m->get_payload_str(), "now");
  EXPECT_FALSE(m->is_retained()) << "matched an established subscription: RETAIN 0";
}

TEST_F(Retain, NonRetainedPublishLeavesRetainedAlone_MQTT_3_3_1_12) {
  auto publisher = connected_client("pub", protocol::v311);
  publisher->publish("retain/n", "kept", 1, true);
  publisher->publish("retain/n", "passing", 1, false);
  auto subscriber = connected_client("sub", protocol::v311);
  subscriber->subscribe("retain/n", 1);
  EXPECT_EQ(payloads_of(until_sentinel(*subscriber, *publisher, "retain/n")),
            std::vector<std::string>{"kept"});
}

TEST_F(Retain, WildcardSubscribeGetsEveryMatchingRetained_MQTT_3_3_1_6) {
  auto publisher = connected_client("pub", protocol::v311);
  for (const auto* topic : {"retain/w/1", "retain/w/2", "retain/w/3/deep", "retain/other"}) {
    publisher->publish(topic, topic, 1, true);
  }
  auto subscriber = connected_client("sub", protocol::v311);
  subscriber->subscribe("retain/w/#", 1);
  auto got = payloads_of(until_sentinel(*subscriber, *publisher, "retain/w/end"));
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"retain/w/1", "retain/w/2", "retain/w/3/deep"}));
}

TEST_F(Retain, RetainAsPublished_V5_MQTT_3_3_1_12_and_3_3_1_13) {
  auto as_published = connected_client("rap", protocol::v5);
  as_published->subscribe("retain/rap", 1, mqtt::subscribe_options(false, true));
  auto plain = connected_client("plain", protocol::v5);
  plain->subscribe("retain/rap", 1, mqtt::subscribe_options(false, false));

  auto publisher = connected_client("pub", protocol::v5);
  publisher->publish("retain/rap", "flagged", 1, true);
  publisher->publish("retain/rap", "unflagged", 1, false);
  ASSERT_TRUE(as_published->messages().wait_for_count(2));
  ASSERT_TRUE(plain->messages().wait_for_count(2));

  auto rap = as_published->messages().snapshot();
  EXPECT_TRUE(rap[0]->is_retained()) << "Retain As Published 1: RETAIN as set by the publisher";
  EXPECT_FALSE(rap[1]->is_retained());
  for (const auto& m : plain->messages().snapshot()) {
    EXPECT_FALSE(m->is_retained()) << "Retain As Published 0: RETAIN 0 on live delivery";
  }
}

// Subscribes twice to the same filter with the given Retain Handling and returns how many
// retained copies arrived after the first and after the second SUBSCRIBE.
std::pair<std::size_t, std::size_t> retained_per_subscribe(broker_test& test,
                                                           rh::RetainHandling handling) {
  auto publisher = test.connected_client("pub", protocol::v5);
  publisher->publish("retain/h", "stored", 1, true);
  auto subscriber = test.connected_client("sub", protocol::v5);

  subscriber->subscribe("retain/h", 1, mqtt::subscribe_options(false, false, handling));
  auto first = until_sentinel(*subscriber, *publisher, "retain/h", 1, "end1");
  subscriber->messages().clear();

  subscriber->subscribe("retain/h", 1, mqtt::subscribe_options(false, false, handling));
  auto second = until_sentinel(*subscriber, *publisher, "retain/h", 1, "end2");
  for (const auto* batch : {&first, &second}) {
    for (const auto& m : *batch) {
      EXPECT_EQ(m->get_payload_str(), "stored");
      EXPECT_TRUE(m->is_retained());
    }
  }
  return {first.size(), second.size()};
}

TEST_F(Retain, RetainHandling0SendsOnEverySubscribe_V5_MQTT_3_3_1_9) {
  auto [first, second] = retained_per_subscribe(*this, rh::SEND_RETAINED_ON_SUBSCRIBE);
  EXPECT_EQ(first, 1u);
  EXPECT_EQ(second, 1u) << "Retain Handling 0 sends retained messages on a repeated SUBSCRIBE too";
}

TEST_F(Retain, RetainHandling1SendsOnlyForNewSubscription_V5_MQTT_3_3_1_10) {
  auto [first, second] = retained_per_subscribe(*this, rh::SEND_RETAINED_ON_NEW);
  EXPECT_EQ(first, 1u) << "the subscription did not exist: retained messages are sent";
  EXPECT_EQ(second, 0u) << "the subscription already existed: nothing may be sent";
}

TEST_F(Retain, RetainHandling2NeverSends_V5_MQTT_3_3_1_11) {
  auto [first, second] = retained_per_subscribe(*this, rh::DONT_SEND_RETAINED);
  EXPECT_EQ(first, 0u);
  EXPECT_EQ(second, 0u);
}

}  // namespace
}  // namespace telemq::integration
