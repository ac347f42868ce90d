// PUBLISH in both directions, QoS 0/1/2 flows, routing, overlapping and shared subscriptions
// (MQTT 5.0 sections 3.3 to 3.7, 4.3, 4.7, 4.8).
#include "core_harness.hpp"

namespace telemq::core::testing {
namespace {

TEST(Publish, Qos0ReachesSubscriber) {
  harness h;
  client sub(h), pub(h);
  sub.connect("sub");
  sub.subscribe("a/+", qos::at_most_once);
  pub.connect("pub");
  pub.publish("a/b", "hello");
  auto got = sub.expect<publish_packet>();
  EXPECT_EQ(got.topic, "a/b");
  EXPECT_EQ(got.payload, "hello");
  EXPECT_EQ(got.qos_level, qos::at_most_once);
  EXPECT_FALSE(got.retain);
}

TEST(Publish, Qos1AcknowledgedAndDeliveredAtGrantedQos_MQTT_3_8_4_6) {
  harness h;
  client sub(h), pub(h);
  sub.connect("sub");
  sub.subscribe("t", qos::at_most_once);
  pub.connect("pub");
  const auto id = pub.publish("t", "m", qos::at_least_once);
  EXPECT_EQ(pub.expect<puback_packet>().packet_id, id);
  EXPECT_EQ(sub.expect<publish_packet>().qos_level, qos::at_most_once);
}

TEST(Publish, NoMatchingSubscribersReasonCode_v5) {
  harness h;
  client pub(h);
  pub.connect("pub");
  pub.publish("nobody", "m", qos::at_least_once);
  EXPECT_EQ(pub.expect<puback_packet>().reason, reason_code::no_matching_subscribers);
}

TEST(Publish, Qos2ExactlyOnceOnResend_MQTT_4_3_3_9) {
  harness h;
  client sub(h), pub(h);
  sub.connect("sub");
  sub.subscribe("t", qos::exactly_once);
  pub.connect("pub");
  publish_packet p{"t", "once", qos::exactly_once, false, false, 7, {}};
  pub.send(p);
  EXPECT_EQ(pub.expect<pubrec_packet>().packet_id, 7);
  p.dup = true;
  pub.send(p);
  EXPECT_EQ(pub.expect<pubrec_packet>().packet_id, 7);
  pub.send(pubrel_packet{.packet_id = 7});
  EXPECT_EQ(pub.expect<pubcomp_packet>().packet_id, 7);
  auto delivered = sub.received();
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(std::get<publish_packet>(delivered[0]).payload, "once");
  // After PUBREL the identifier is free again: a new message under it is a new message.
  pub.send(publish_packet{"t", "twice", qos::exactly_once, false, false, 7, {}});
  pub.expect<pubrec_packet>();
  EXPECT_EQ(sub.expect<publish_packet>().payload, "twice");
}

TEST(Publish, OutgoingQos2Flow_MQTT_4_3_3) {
  harness h;
  client sub(h), pub(h);
  sub.connect("sub");
  sub.subscribe("t", qos::exactly_once);
  pub.connect("pub");
  pub.publish("t", "m", qos::exactly_once);
  auto got = sub.expect<publish_packet>();
  EXPECT_EQ(got.qos_level, qos::exactly_once);
  sub.send(pubrec_packet{.packet_id = got.packet_id});
  EXPECT_EQ(sub.expect<pubrel_packet>().packet_id, got.packet_id);
  sub.send(pubcomp_packet{.packet_id = got.packet_id});
  EXPECT_TRUE(sub.nothing_received());
}

TEST(Publish, WildcardsDoNotMatchDollarTopics_MQTT_4_7_2_1) {
  harness h;
  client sub(h);
  sub.connect("sub");
  sub.subscribe("#");
  sub.subscribe("+/x");
  h.engine.publish(std::make_shared<message>(message{"$SYS/x", "1", qos::at_most_once}), h.now);
  EXPECT_TRUE(sub.nothing_received());
}

TEST(Publish, ClientsCannotPublishToSys) {
  harness h;
  client sub(h), pub(h);
  sub.connect("sub");
  sub.subscribe("$SYS/#");
  pub.connect("pub");
  pub.publish("$SYS/broker/uptime", "forged", qos::at_least_once);
  EXPECT_EQ(pub.expect<puback_packet>().reason, reason_code::not_authorized);
  EXPECT_TRUE(sub.nothing_received());
}

TEST(Publish, OverlappingSubscriptionsGiveOneCopyAtHighestQos_MQTT_3_3_4_2) {
  harness h;
  client sub(h), pub(h);
  sub.connect("sub");
  sub.subscribe("a/#", qos::at_most_once, {}, 1);
  sub.subscribe("a/+", qos::at_least_once, {}, 2);
  pub.connect("pub");
  pub.publish("a/b", "m", qos::exactly_once);
  auto got = sub.received();
  ASSERT_EQ(got.size(), 1u);
  const auto& p = std::get<publish_packet>(got[0]);
  EXPECT_EQ(p.qos_level, qos::at_least_once);
  std::vector<std::uint32_t> ids = p.props.subscription_identifiers;
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::uint32_t>{1, 2}));
}

// Sessions are routed in an order of their own (by address); whatever it is, each one's copy
// carries the identifiers of its own subscriptions, merged or not.
void expect_own_identifiers(std::uint32_t sessions, bool (*overlaps)(std::uint32_t)) {
  harness h;
  std::vector<std::unique_ptr<client>> subs;
  for (std::uint32_t i = 0; i < sessions; ++i) {
    subs.push_back(std::make_unique<client>(h));
    subs.back()->connect("sub" + std::to_string(i));
    subs.back()->subscribe("t/x", qos::at_most_once, {}, 100 + i);
    if (overlaps(i)) {
      subs.back()->subscribe("t/#", qos::at_most_once, {}, 200 + i);
    }
  }
  client pub(h);
  pub.connect("pub");
  pub.publish("t/x", "m");
  for (std::uint32_t i = 0; i < sessions; ++i) {
    auto got = subs[i]->received();
    ASSERT_EQ(got.size(), 1u) << i;
    std::vector<std::uint32_t> ids =
        std::get<publish_packet>(got[0]).props.subscription_identifiers;
    std::sort(ids.begin(), ids.end());
    const auto expected = overlaps(i) ? std::vector<std::uint32_t>{100 + i, 200 + i}
                                      : std::vector<std::uint32_t>{100 + i};
    EXPECT_EQ(ids, expected) << i;
  }
}

TEST(Publish, EverySubscriberGetsItsOwnSubscriptionIdentifiers_MQTT_3_3_4_3) {
  expect_own_identifiers(3, [](std::uint32_t) { return false; });
  expect_own_identifiers(6, [](std::uint32_t i) { return i % 2 == 1; });
  expect_own_identifiers(6, [](std::uint32_t i) { return i % 2 == 0; });
}

TEST(Stats, PublishBytesAreCountedByQosInBothDirections) {
  harness h;
  client sub(h), pub(h);
  sub.connect("sub");
  sub.subscribe("t/#", qos::at_least_once);
  pub.connect("pub");
  const publish_packet sent{"t/a", "0123456789", qos::exactly_once, false, false, 7, {}};
  pub.send(sent);
  std::vector<std::uint8_t> wire;
  protocol::encode(sent, protocol_version::v5, wire);
  const auto& stats = h.engine.stats();
  EXPECT_EQ(stats.publish_bytes_received_by_qos[2], wire.size());
  EXPECT_EQ(stats.publish_bytes_received_by_qos[1], 0u);
  // Delivered at the subscription's QoS 1: the packet the subscriber got.
  auto got = sub.received();
  ASSERT_EQ(got.size(), 1u);
  std::vector<std::uint8_t> delivered;
  protocol::encode(got[0], protocol_version::v5, delivered);
  EXPECT_EQ(stats.publish_bytes_sent_by_qos[1], delivered.size());
  EXPECT_EQ(stats.publish_bytes_sent_by_qos[2], 0u);
}

TEST(Publish, NoLocalSkipsOwnMessages_MQTT_3_8_3_3) {
  harness h;
  client c(h);
  c.connect("me");
  c.subscribe("t", qos::at_most_once, subscribe_options{.no_local = true});
  c.publish("t", "m");
  EXPECT_TRUE(c.nothing_received());
}

TEST(Publish, SharedSubscriptionDeliversEachMessageToOneMember_MQTT_4_8_2) {
  harness h;
  client a(h), b(h), pub(h);
  a.connect("a");
  b.connect("b");
  a.subscribe("$share/g/t", qos::at_most_once);
  b.subscribe("$share/g/t", qos::at_most_once);
  pub.connect("pub");
  for (int i = 0; i < 10; ++i) {
    pub.publish("t", std::to_string(i));
  }
  const auto at_a = a.received().size();
  const auto at_b = b.received().size();
  EXPECT_EQ(at_a + at_b, 10u);
  EXPECT_EQ(at_a, 5u);
}

TEST(Publish, TopicAliasFromClient_MQTT_3_3_2_3_4) {
  harness h;
  client sub(h), pub(h);
  sub.connect("sub");
  sub.subscribe("long/topic/name", qos::at_most_once);
  pub.connect("pub");
  properties with_alias;
  with_alias.topic_alias = 3;
  pub.publish("long/topic/name", "1", qos::at_most_once, false, with_alias);
  pub.publish("", "2", qos::at_most_once, false, with_alias);
  EXPECT_EQ(sub.expect<publish_packet>().payload, "1");
  auto second = sub.expect<publish_packet>();
  EXPECT_EQ(second.topic, "long/topic/name");
  EXPECT_EQ(second.payload, "2");
}

TEST(Publish, UnknownTopicAliasIsProtocolError_MQTT_3_3_4_1) {
  harness h;
  client pub(h);
  pub.connect("pub");
  properties with_alias;
  with_alias.topic_alias = 2;
  pub.publish("", "x", qos::at_most_once, false, with_alias);
  EXPECT_EQ(pub.expect<disconnect_packet>().reason, reason_code::protocol_error);
}

// 0 is no alias [MQTT-3.3.2-8]; the answer is the one for an alias outside the maximum.
TEST(Publish, TopicAliasZeroIsTopicAliasInvalid_MQTT_3_3_2_8) {
  harness h;
  client pub(h);
  pub.connect("pub");
  properties with_alias;
  with_alias.topic_alias = 0;
  pub.publish("t", "x", qos::at_most_once, false, with_alias);
  EXPECT_EQ(pub.expect<disconnect_packet>().reason, reason_code::topic_alias_invalid);
}

TEST(Publish, ReceiveMaximumExceededDisconnects_MQTT_3_3_4_9) {
  broker_limits limits;
  limits.receive_maximum = 2;
  gated_store slow;
  harness h(limits, &slow);
  client sub(h), pub(h);
  sub.connect("sub", false, 100);
  sub.subscribe("t");
  slow.commit();
  pub.connect("pub");
  pub.publish("t", "1", qos::at_least_once);
  pub.publish("t", "2", qos::at_least_once);
  pub.publish("t", "3", qos::at_least_once);
  auto got = pub.received();
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(std::get<disconnect_packet>(got.back()).reason, reason_code::receive_maximum_exceeded);
}

TEST(Publish, MessageExpiryDecrementsAndDrops_MQTT_3_3_2_6) {
  harness h;
  client sub(h);
  sub.connect("sub", false, 600);
  sub.subscribe("t", qos::at_least_once);
  sub.send(disconnect_packet{});
  sub.drop();
  client pub(h);
  pub.connect("pub");
  properties short_lived, long_lived;
  short_lived.message_expiry_interval = 5;
  long_lived.message_expiry_interval = 60;
  pub.publish("t", "short", qos::at_least_once, false, short_lived);
  pub.publish("t", "long", qos::at_least_once, false, long_lived);
  h.advance(10s);
  client back(h);
  back.connect("sub", false, 600);
  auto got = back.expect<publish_packet>();
  EXPECT_EQ(got.payload, "long");
  EXPECT_EQ(got.props.message_expiry_interval, 50u);
  EXPECT_TRUE(back.nothing_received());
}

TEST(Publish, ClientMaximumPacketSizeIsNeverExceeded_MQTT_3_1_2_24) {
  harness h;
  client sub(h);
  connect_packet p;
  p.version = protocol_version::v5;
  p.client_id = "small";
  p.props.maximum_packet_size = 64;
  sub.send(p);
  sub.expect<connack_packet>();
  sub.subscribe("t", qos::at_most_once);
  client pub(h);
  pub.connect("pub");
  pub.publish("t", std::string(200, 'x'));
  pub.publish("t", "small");
  EXPECT_EQ(sub.expect<publish_packet>().payload, "small");
}

}  // namespace
}  // namespace telemq::core::testing

namespace telemq::core::testing {
namespace {

TEST(Limits, PublishRateAboveLimitDisconnectsWithMessageRateTooHigh) {
  broker_limits limits;
  limits.max_publish_rate = 5;
  harness h(limits);
  client pub(h);
  pub.connect("pub");
  for (int i = 0; i < 5; ++i) {
    pub.publish("t", "m");
  }
  EXPECT_FALSE(pub.closed());
  h.advance(1s);
  for (int i = 0; i < 5; ++i) {
    pub.publish("t", "m");
  }
  EXPECT_FALSE(pub.closed());
  pub.publish("t", "m");
  EXPECT_EQ(pub.expect<disconnect_packet>().reason, reason_code::message_rate_too_high);
  EXPECT_TRUE(pub.closed());
}

TEST(Limits, SlowSubscriberQueuesInsteadOfGrowingTheWriteBuffer) {
  broker_limits limits;
  limits.max_write_buffer = 1024;
  limits.max_queued_messages = 10;
  harness h(limits);
  client slow(h), pub(h);
  slow.connect("slow");
  slow.subscribe("t", qos::at_most_once);
  slow.transport().stuck_bytes = 4096;
  pub.connect("pub");
  for (int i = 0; i < 100; ++i) {
    pub.publish("t", std::string(100, 'x'));
  }
  EXPECT_TRUE(slow.nothing_received());
  EXPECT_EQ(h.engine.stats().queued_messages, 10u);
  EXPECT_EQ(h.engine.stats().publishes_dropped_queue_full, 90u);
  slow.transport().stuck_bytes = 0;
  slow.conn().on_writable(h.now);
  EXPECT_EQ(slow.received().size(), 10u);
}

}  // namespace
}  // namespace telemq::core::testing
