// Retained messages, wills, persistent sessions and the durability barrier
// (MQTT 5.0 sections 3.1.2.5, 3.3.1.3, 4.1, 4.4).
#include "core_harness.hpp"

namespace telemq::core::testing {
namespace {

TEST(Retain, DeliveredOnSubscribeWithRetainFlag_MQTT_3_3_1_6) {
  harness h;
  client pub(h);
  pub.connect("pub");
  pub.publish("r/1", "kept", qos::at_least_once, true);
  pub.expect<puback_packet>();
  client sub(h);
  sub.connect("sub");
  sub.subscribe("r/#");
  auto got = sub.expect<publish_packet>();
  EXPECT_EQ(got.payload, "kept");
  EXPECT_TRUE(got.retain);
}

TEST(Retain, LiveMessagesHaveRetainClearedUnlessRetainAsPublished_MQTT_3_3_1_12) {
  harness h;
  client plain(h), rap(h), pub(h);
  plain.connect("plain");
  plain.subscribe("r", qos::at_most_once);
  rap.connect("rap");
  rap.subscribe("r", qos::at_most_once, subscribe_options{.retain_as_published = true});
  pub.connect("pub");
  pub.publish("r", "v", qos::at_most_once, true);
  EXPECT_FALSE(plain.expect<publish_packet>().retain);
  EXPECT_TRUE(rap.expect<publish_packet>().retain);
}

TEST(Retain, EmptyPayloadDeletes_MQTT_3_3_1_10) {
  harness h;
  client pub(h);
  pub.connect("pub");
  pub.publish("r", "v", qos::at_most_once, true);
  pub.publish("r", "", qos::at_most_once, true);
  client sub(h);
  sub.connect("sub");
  sub.subscribe("r");
  EXPECT_TRUE(sub.nothing_received());
}

TEST(Retain, RetainHandlingOneOnlyForNewSubscription_MQTT_3_3_1_10) {
  harness h;
  client pub(h), sub(h);
  pub.connect("pub");
  pub.publish("r", "v", qos::at_most_once, true);
  sub.connect("sub");
  sub.subscribe("r", qos::at_most_once, subscribe_options{.retain_handling = 1});
  EXPECT_EQ(sub.expect<publish_packet>().payload, "v");
  sub.subscribe("r", qos::at_most_once, subscribe_options{.retain_handling = 1});
  EXPECT_TRUE(sub.nothing_received());
  sub.subscribe("r", qos::at_most_once, subscribe_options{.retain_handling = 2});
  EXPECT_TRUE(sub.nothing_received());
}

TEST(Retain, NotSentForSharedSubscriptions) {
  harness h;
  client pub(h), sub(h);
  pub.connect("pub");
  pub.publish("r", "v", qos::at_most_once, true);
  sub.connect("sub");
  sub.subscribe("$share/g/r");
  EXPECT_TRUE(sub.nothing_received());
}

will_message will_on(const std::string& topic, std::uint32_t delay = 0) {
  will_message w{topic, "gone", qos::at_least_once, false, {}};
  if (delay != 0) {
    w.props.will_delay_interval = delay;
  }
  return w;
}

TEST(Will, PublishedOnAbnormalClose_MQTT_3_1_2_8) {
  harness h;
  client watcher(h), dev(h);
  watcher.connect("watcher");
  watcher.subscribe("wills/#");
  dev.connect("dev", true, std::nullopt, will_on("wills/dev"));
  dev.drop();
  EXPECT_EQ(watcher.expect<publish_packet>().payload, "gone");
}

TEST(Will, DiscardedOnNormalDisconnect_MQTT_3_1_2_10) {
  harness h;
  client watcher(h), dev(h);
  watcher.connect("watcher");
  watcher.subscribe("wills/#");
  dev.connect("dev", true, std::nullopt, will_on("wills/dev"));
  dev.send(disconnect_packet{});
  dev.drop();
  EXPECT_TRUE(watcher.nothing_received());
}

TEST(Will, DisconnectWithWillMessagePublishes_v5) {
  harness h;
  client watcher(h), dev(h);
  watcher.connect("watcher");
  watcher.subscribe("wills/#");
  dev.connect("dev", true, std::nullopt, will_on("wills/dev"));
  dev.send(disconnect_packet{.reason = reason_code::disconnect_with_will_message});
  dev.drop();
  EXPECT_EQ(watcher.expect<publish_packet>().topic, "wills/dev");
}

TEST(Will, DelayCancelledByReconnect_MQTT_3_1_3_9) {
  harness h;
  client watcher(h);
  watcher.connect("watcher");
  watcher.subscribe("wills/#");
  {
    client dev(h);
    dev.connect("dev", true, 600, will_on("wills/dev", 30));
    dev.drop();
  }
  h.advance(10s);
  EXPECT_TRUE(watcher.nothing_received());
  client again(h);
  again.connect("dev", false, 600);
  h.advance(60s);
  EXPECT_TRUE(watcher.nothing_received());
}

TEST(Will, DelayedWillPublishedAfterDelay_MQTT_3_1_3_9) {
  harness h;
  client watcher(h);
  watcher.connect("watcher");
  watcher.subscribe("wills/#");
  client dev(h);
  dev.connect("dev", true, 600, will_on("wills/dev", 5));
  dev.drop();
  h.advance(3s);
  EXPECT_TRUE(watcher.nothing_received());
  h.advance(3s);
  EXPECT_EQ(watcher.expect<publish_packet>().topic, "wills/dev");
}

TEST(Session, QueuedWhileOfflineAndDeliveredOnResume_MQTT_3_1_2_4) {
  harness h;
  {
    client sub(h, protocol_version::v3_1_1);
    sub.connect("sub", false);
    sub.subscribe("t", qos::exactly_once);
    sub.send(disconnect_packet{});
  }
  client pub(h);
  pub.connect("pub");
  for (int i = 0; i < 5; ++i) {
    pub.publish("t", std::to_string(i), qos::at_least_once);
  }
  pub.publish("t", "zero", qos::at_most_once);
  client back(h, protocol_version::v3_1_1);
  EXPECT_TRUE(back.connect("sub", false).session_present);
  auto got = back.received();
  ASSERT_EQ(got.size(), 5u);  // QoS 0 is not queued for offline sessions by default
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(std::get<publish_packet>(got[i]).payload, std::to_string(i));
  }
}

TEST(Session, InflightResentWithDupOnResumeOnly_MQTT_4_4_0_1) {
  harness h;
  client pub(h);
  pub.connect("pub");
  std::uint16_t id = 0;
  {
    client sub(h);
    sub.connect("sub", false, 600);
    sub.subscribe("t", qos::at_least_once);
    pub.publish("t", "m", qos::at_least_once);
    auto first = sub.expect<publish_packet>();
    EXPECT_FALSE(first.dup);
    id = first.packet_id;
  }
  client back(h);
  back.connect("sub", false, 600);
  auto again = back.expect<publish_packet>();
  EXPECT_TRUE(again.dup);
  EXPECT_EQ(again.packet_id, id);
  back.send(puback_packet{.packet_id = id});
  EXPECT_TRUE(back.nothing_received());
}

TEST(Session, ExpiresWhileOffline_MQTT_3_1_2_11) {
  harness h;
  {
    client sub(h);
    sub.connect("sub", false, 5);
    sub.subscribe("t");
    sub.send(disconnect_packet{});
  }
  h.advance(4s);
  {
    client back(h);
    EXPECT_TRUE(back.connect("sub", false, 5).session_present);
    back.send(disconnect_packet{});
  }
  h.advance(6s);
  client late(h);
  EXPECT_FALSE(late.connect("sub", false, 5).session_present);
}

TEST(Session, DisconnectCannotRaiseZeroExpiry_MQTT_3_14_2_2) {
  harness h;
  client c(h);
  c.connect("c", true, 0);
  disconnect_packet d;
  d.props.session_expiry_interval = 100;
  c.send(d);
  EXPECT_EQ(c.expect<disconnect_packet>().reason, reason_code::protocol_error);
}

TEST(Session, PacketIdsGoOnAfterAnIdleSessionGivesBackItsState_MQTT_2_3_1_2) {
  harness h;
  client sub(h), pub(h);
  sub.connect("sub");
  sub.subscribe("t", qos::at_least_once);
  pub.connect("pub");
  pub.publish("t", "1", qos::at_least_once);
  const auto first = sub.expect<publish_packet>();
  sub.send(puback_packet{.packet_id = first.packet_id});
  h.advance(2s);  // the expiry scan gives back the emptied queue and in-flight map
  pub.publish("t", "2", qos::at_least_once);
  EXPECT_EQ(sub.expect<publish_packet>().packet_id, first.packet_id + 1);
}

TEST(Session, Qos2RecordSurvivesAnIdleSecond_MQTT_4_3_3_9) {
  harness h;
  client sub(h), pub(h);
  sub.connect("sub");
  sub.subscribe("t", qos::exactly_once);
  pub.connect("pub");
  publish_packet p{"t", "once", qos::exactly_once, false, false, 7, {}};
  pub.send(p);
  EXPECT_EQ(pub.expect<pubrec_packet>().packet_id, 7);
  EXPECT_EQ(sub.expect<publish_packet>().payload, "once");
  h.advance(2s);
  p.dup = true;
  pub.send(p);
  EXPECT_EQ(pub.expect<pubrec_packet>().packet_id, 7);
  EXPECT_TRUE(sub.nothing_received());
}

TEST(Durability, PubackWaitsForStore) {
  gated_store slow;
  harness h({}, &slow);
  client sub(h);
  sub.connect("sub", false, 600);
  sub.subscribe("t", qos::at_least_once);
  slow.commit();
  sub.send(disconnect_packet{});
  sub.drop();
  client pub(h);
  pub.connect("pub");
  const auto id = pub.publish("t", "m", qos::at_least_once);
  EXPECT_TRUE(pub.nothing_received());
  slow.commit();
  EXPECT_EQ(pub.expect<puback_packet>().packet_id, id);
}

TEST(Durability, OutgoingQos2WaitsForStoredPacketId) {
  gated_store slow;
  harness h({}, &slow);
  client sub(h);
  sub.connect("sub", false, 600);
  sub.subscribe("t", qos::exactly_once);
  slow.commit();
  client pub(h);
  pub.connect("pub");
  pub.publish("t", "m", qos::exactly_once);
  EXPECT_TRUE(sub.nothing_received());
  EXPECT_TRUE(pub.nothing_received());
  slow.commit();
  EXPECT_EQ(sub.expect<publish_packet>().payload, "m");
  pub.expect<pubrec_packet>();
}

TEST(Durability, AckNeverOvertakesOneStillHeld) {
  gated_store slow;
  harness h({}, &slow);
  client sub(h);
  sub.connect("sub", false, 600);
  sub.subscribe("t", qos::at_least_once);
  slow.commit();
  client pub(h);
  pub.connect("pub");
  const auto held = pub.publish("t", "stored", qos::at_least_once);
  // Committed, but the barrier's callback has not run yet: nothing waits for the store, and
  // still the next acknowledgement must queue behind the held one.
  slow.pending = 0;
  const auto next = pub.publish("nobody", "not stored", qos::at_least_once);
  EXPECT_TRUE(pub.nothing_received());
  slow.commit();
  EXPECT_EQ(pub.expect<puback_packet>().packet_id, held);
  EXPECT_EQ(pub.expect<puback_packet>().packet_id, next);
}

}  // namespace
}  // namespace telemq::core::testing
