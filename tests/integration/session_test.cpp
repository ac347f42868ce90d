// Sessions: persistence across connections and broker restarts, expiry, resend, takeover.
#include <thread>

#include "fixture/broker_test.hpp"

namespace telemq::integration {
namespace {

using namespace std::chrono_literals;
using Session = broker_test;
using Persistence = broker_test;

constexpr int queued_count = 100;
constexpr auto io_timeout = std::chrono::milliseconds(wait_timeout);

std::vector<std::string> payloads_on(const std::vector<mqtt::const_message_ptr>& messages,
                                     const std::string& topic) {
  std::vector<std::string> out;
  for (const auto& m : messages) {
    if (m->get_topic() == topic) {
      out.push_back(m->get_payload_str());
    }
  }
  return out;
}

// Opens the persistent session and subscribes, then leaves.
void open_session(test_client& subscriber) {
  auto response = subscriber.version() == protocol::v5 ? subscriber.connect(true, 300)
                                                       : subscriber.connect(false);
  ASSERT_FALSE(response.is_session_present()) << "no session existed yet";
  ASSERT_EQ(subscriber.subscribe("queue/#", 2), std::vector<int>{2});
  subscriber.disconnect();
}

void publish_while_offline(test_client& publisher) {
  publisher.publish_all(numbered_messages("queue/q1", "a", queued_count, 1));
  publisher.publish_all(numbered_messages("queue/q2", "b", queued_count, 2));
}

// Reconnects without cleaning and expects every queued message exactly once, in order.
void resume_and_check(test_client& subscriber, test_client* sentinel_publisher) {
  auto response = subscriber.version() == protocol::v5 ? subscriber.connect(false, 300)
                                                       : subscriber.connect(false);
  EXPECT_TRUE(response.is_session_present()) << "the stored session must be resumed";
  ASSERT_TRUE(subscriber.messages().wait_for_count(2 * queued_count))
      << "only " << subscriber.messages().size() << " of " << 2 * queued_count
      << " queued messages arrived";
  if (sentinel_publisher != nullptr) {
    sentinel_publisher->publish("queue/end", "end", 1);
    ASSERT_TRUE(subscriber.messages().wait_for_payload("end"));
  }
  auto messages = subscriber.messages().snapshot();
  EXPECT_EQ(payloads_on(messages, "queue/q1"), numbered_payloads("a", queued_count))
      << "QoS 1 messages: each once, in order";
  EXPECT_EQ(payloads_on(messages, "queue/q2"), numbered_payloads("b", queued_count))
      << "QoS 2 messages: each exactly once, in order";
  for (const auto& m : messages) {
    if (m->get_topic() == "queue/q1") {
      EXPECT_EQ(m->get_qos(), 1);
    } else if (m->get_topic() == "queue/q2") {
      EXPECT_EQ(m->get_qos(), 2);
    }
  }
  if (sentinel_publisher != nullptr) {
    EXPECT_EQ(messages.size(), 2u * queued_count + 1) << "nothing else, nothing twice";
  }
}

TEST_F(Session, QueuedQos1AndQos2DeliveredOnResume_V311_MQTT_3_1_2_4_and_3_2_2_2) {
  auto subscriber = make_client("sub", protocol::v311);
  open_session(*subscriber);
  auto publisher = connected_client("pub", protocol::v311);
  publish_while_offline(*publisher);
  resume_and_check(*subscriber, publisher.get());
}

TEST_F(Session, QueuedQos1AndQos2DeliveredOnResume_V5_MQTT_3_1_2_23_and_3_2_2_3) {
  auto subscriber = make_client("sub", protocol::v5);
  open_session(*subscriber);
  auto publisher = connected_client("pub", protocol::v5);
  publish_while_offline(*publisher);
  resume_and_check(*subscriber, publisher.get());
}

TEST_F(Session, CleanSessionDiscardsState_V311_MQTT_3_1_2_6_and_3_2_2_1) {
  auto subscriber = make_client("sub", protocol::v311);
  open_session(*subscriber);
  auto publisher = connected_client("pub", protocol::v311);
  publisher->publish("queue/q1", "while-away", 1);

  auto clean = subscriber->connect(true);
  EXPECT_FALSE(clean.is_session_present()) << "Clean Session 1 always reports no session";
  subscriber->disconnect();
  auto resumed = subscriber->connect(false);
  EXPECT_FALSE(resumed.is_session_present())
      << "the clean session ended with its connection; nothing is left to resume";
  publisher->publish("queue/q1", "after", 1);
  subscriber->subscribe("marker", 1);
  publisher->publish("marker", "end", 1);
  ASSERT_TRUE(subscriber->messages().wait_for_payload("end"));
  EXPECT_EQ(subscriber->messages().payloads(), std::vector<std::string>{"end"})
      << "neither the queued message nor the old subscription may survive a clean session";
}

TEST_F(Session, AbsentSessionExpiryEndsSessionOnClose_V5_MQTT_3_1_2_11) {
  auto subscriber = make_client("sub", protocol::v5);
  subscriber->connect(true);  // no Session Expiry Interval: 0
  subscriber->subscribe("queue/#", 1);
  subscriber->disconnect();
  auto response = subscriber->connect(false);
  EXPECT_FALSE(response.is_session_present());
}

TEST_F(Session, ExpiredSessionIsDiscarded_V5_MQTT_3_1_2_23) {
  auto subscriber = make_client("sub", protocol::v5);
  subscriber->connect(true, 1);
  subscriber->subscribe("queue/#", 1);
  subscriber->disconnect();
  auto publisher = connected_client("pub", protocol::v5);
  publisher->publish("queue/q1", "queued-then-expired", 1);

  // Expiry is wall-clock behaviour of the daemon; 1 s expiry, 3 s away leaves ample margin.
  std::this_thread::sleep_for(3s);
  auto response = subscriber->connect(false, 60);
  EXPECT_FALSE(response.is_session_present()) << "Session Expiry Interval 1 s elapsed offline";
  subscriber->subscribe("marker", 1);
  publisher->publish("queue/q1", "no-subscription", 1);
  publisher->publish("marker", "end", 1);
  ASSERT_TRUE(subscriber->messages().wait_for_payload("end"));
  EXPECT_EQ(subscriber->messages().payloads(), std::vector<std::string>{"end"})
      << "the expired session's subscription and queue must be gone";
}

TEST_F(Session, SessionKeptWithinExpiry_V5_MQTT_3_1_2_23) {
  auto subscriber = make_client("sub", protocol::v5);
  subscriber->connect(true, 60);
  subscriber->subscribe("queue/#", 1);
  subscriber->disconnect();
  auto publisher = connected_client("pub", protocol::v5);
  publisher->publish("queue/q1", "kept", 1);
  auto response = subscriber->connect(false, 60);
  EXPECT_TRUE(response.is_session_present());
  EXPECT_TRUE(subscriber->messages().wait_for_payload("kept"));
}

// A raw subscriber takes a QoS 1 message without acknowledging it, then drops the connection.
// On resume the broker must send it again with the same packet identifier and DUP set.
void check_unacked_resent(broker_test& test, std::uint8_t level) {
  wire::connect_fields fields;
  fields.protocol_level = level;
  fields.client_id = "forgetful";
  // 3.1.1: Clean Session 0. v5: Clean Start 1 with a session that outlives the connection.
  fields.clean = level == 5;
  if (level == 5) {
    fields.properties = wire::property_writer().u32(wire::session_expiry_interval, 60).data();
  }
  auto device = test.open_raw();
  ASSERT_TRUE(device.handshake(fields, io_timeout)) << device.error();
  ASSERT_TRUE(device.send(wire::encode_subscribe(level, 7, "resend/t", 1)));
  auto suback = device.read_packet(io_timeout);
  ASSERT_EQ(suback.status, raw_client::read_status::packet);
  ASSERT_EQ(suback.packet.type(), wire::suback);

  auto publisher = test.connected_client("pub", protocol::v311);
  publisher->publish("resend/t", "unacked", 1);
  auto first = device.read_packet(io_timeout);
  ASSERT_EQ(first.status, raw_client::read_status::packet);
  auto first_view = wire::parse_publish(first.packet, level);
  ASSERT_TRUE(first_view);
  EXPECT_FALSE(first_view->dup);
  device.close();

  auto again = test.open_raw();
  fields.clean = false;
  auto connack = again.handshake(fields, io_timeout);
  ASSERT_TRUE(connack) << again.error();
  EXPECT_TRUE(connack->session_present);
  auto resent = again.read_packet(io_timeout);
  ASSERT_EQ(resent.status, raw_client::read_status::packet)
      << "the unacknowledged PUBLISH must be re-sent after the CONNACK";
  auto view = wire::parse_publish(resent.packet, level);
  ASSERT_TRUE(view) << "expected PUBLISH, got packet type " << int(resent.packet.type());
  EXPECT_EQ(view->payload, "unacked");
  EXPECT_EQ(view->packet_id, first_view->packet_id) << "original packet identifier";
  EXPECT_TRUE(view->dup) << "DUP must be 1 on re-delivery (MQTT-3.3.1-1)";
  ASSERT_TRUE(again.send(wire::encode_ack(wire::puback, view->packet_id)));
}

TEST_F(Session, UnackedQos1ResentWithDupOnResume_V311_MQTT_4_4_0_1) {
  check_unacked_resent(*this, 4);
}
TEST_F(Session, UnackedQos1ResentWithDupOnResume_V5_MQTT_4_4_0_1) {
  check_unacked_resent(*this, 5);
}

// QoS 2 outgoing: the subscriber answered PUBREC and vanished; on resume the broker continues
// with PUBREL for the same identifier and must not send the message again.
TEST_F(Session, PubrelResentOnResume_MQTT_4_4_0_1) {
  wire::connect_fields fields;
  fields.client_id = "halfway";
  fields.clean = false;
  auto device = open_raw();
  ASSERT_TRUE(device.handshake(fields, io_timeout)) << device.error();
  ASSERT_TRUE(device.send(wire::encode_subscribe(4, 1, "resend/q2", 2)));
  ASSERT_EQ(device.read_packet(io_timeout).packet.type(), wire::suback);

  auto publisher = connected_client("pub", protocol::v311);
  publisher->publish("resend/q2", "exactly-once", 2);
  auto delivered = device.read_packet(io_timeout);
  auto view = wire::parse_publish(delivered.packet, 4);
  ASSERT_TRUE(view);
  ASSERT_TRUE(device.send(wire::encode_ack(wire::pubrec, view->packet_id)));
  auto pubrel = device.read_packet(io_timeout);
  ASSERT_EQ(pubrel.status, raw_client::read_status::packet);
  EXPECT_EQ(pubrel.packet.first_byte, 0x62) << "PUBREL";
  device.close();  // no PUBCOMP

  auto again = open_raw();
  auto connack = again.handshake(fields, io_timeout);
  ASSERT_TRUE(connack) << again.error();
  EXPECT_TRUE(connack->session_present);
  auto resent = again.read_packet(io_timeout);
  ASSERT_EQ(resent.status, raw_client::read_status::packet);
  EXPECT_EQ(resent.packet.first_byte, 0x62) << "PUBREL must be re-sent, not the PUBLISH";
  EXPECT_EQ(resent.packet.body, (wire::bytes{static_cast<std::uint8_t>(view->packet_id >> 8),
                                             static_cast<std::uint8_t>(view->packet_id & 0xFF)}));
  ASSERT_TRUE(again.send(wire::encode_ack(wire::pubcomp, view->packet_id)));
  // Nothing else may follow: the message was delivered once already.
  auto extra = again.read_packet(500ms);
  EXPECT_NE(extra.status, raw_client::read_status::packet)
      << "unexpected packet type " << int(extra.packet.type()) << " after PUBCOMP";
}

TEST_F(Session, TakeoverDisconnectsExistingClient_V311_MQTT_3_1_4_2) {
  auto first = connected_client("same-id", protocol::v311);
  auto second = connected_client("same-id", protocol::v311);
  ASSERT_TRUE(first->wait_for_server_disconnect())
      << "the first connection must be closed when the same client id connects again";
  EXPECT_TRUE(first->disconnect_info().connection_lost);

  second->subscribe("takeover/t", 1);
  second->publish("takeover/t", "still-works", 1);
  EXPECT_TRUE(second->messages().wait_for_payload("still-works"));
  EXPECT_TRUE(second->is_connected());
}

TEST_F(Session, TakeoverSendsDisconnect0x8E_V5_MQTT_3_1_4_3) {
  TELEMQ_SKIP_IF_BROKER_LACKS("disconnect_on_takeover", "closes without DISCONNECT 0x8E");
  auto first = open_raw();
  wire::connect_fields fields;
  fields.protocol_level = 5;
  fields.client_id = "same-id";
  ASSERT_TRUE(first.handshake(fields, io_timeout)) << first.error();

  auto second = connected_client("same-id", protocol::v5);
  std::vector<wire::packet> seen;
  ASSERT_TRUE(first.wait_closed(io_timeout, &seen)) << "the first connection must be closed";
  ASSERT_EQ(seen.size(), 1u) << "exactly one packet (DISCONNECT) before the close";
  EXPECT_EQ(seen[0].type(), wire::disconnect);
  EXPECT_EQ(wire::disconnect_reason(seen[0]), 0x8E) << "Session taken over";

  second->subscribe("takeover/t", 1);
  second->publish("takeover/t", "still-works", 1);
  EXPECT_TRUE(second->messages().wait_for_payload("still-works"));
}

TEST_F(Session, TakeoverReasonSeenByPahoClient_V5_MQTT_3_1_4_3) {
  TELEMQ_SKIP_IF_BROKER_LACKS("disconnect_on_takeover", "closes without DISCONNECT 0x8E");
  auto first = connected_client("same-id", protocol::v5);
  auto second = connected_client("same-id", protocol::v5);
  ASSERT_TRUE(first->wait_for_server_disconnect());
  auto info = first->disconnect_info();
  EXPECT_TRUE(info.disconnect_packet) << "Paho's disconnected handler must see a DISCONNECT";
  EXPECT_EQ(info.reason_code, 0x8E);
  EXPECT_TRUE(second->is_connected());
}

// --- across broker restarts ---

void check_survives_restart(broker_test& test, protocol version) {
  if (version == protocol::v5) {
    TELEMQ_SKIP_IF_BROKER_LACKS("v5_session_restore", "v5 sessions not restored after restart");
  }
  auto subscriber = test.make_client("sub", version);
  open_session(*subscriber);
  {
    auto publisher = test.connected_client("pub", version);
    publish_while_offline(*publisher);
    publisher->disconnect();
  }
  test.restart_broker();
  if (::testing::Test::HasFatalFailure()) {
    return;
  }
  auto publisher = test.connected_client("pub", version);
  resume_and_check(*subscriber, publisher.get());
}

TEST_F(Persistence, SessionAndQueueSurviveRestart_V311) {
  check_survives_restart(*this, protocol::v311);
}
TEST_F(Persistence, SessionAndQueueSurviveRestart_V5) {
  check_survives_restart(*this, protocol::v5);
}

TEST_F(Persistence, RetainedMessageSurvivesRestart) {
  {
    auto publisher = connected_client("pub", protocol::v311);
    publisher->publish("keep/me", "durable", 1, true);
    publisher->disconnect();
  }
  restart_broker();
  if (HasFatalFailure()) {
    return;
  }
  auto subscriber = connected_client("sub", protocol::v311);
  subscriber->subscribe("keep/#", 1);
  ASSERT_TRUE(subscriber->messages().wait_for_payload("durable"));
  EXPECT_TRUE(subscriber->messages().snapshot().front()->is_retained());
}

// DESIGN.md's durability contract: a QoS 1/2 message acknowledged to its publisher survives a
// crash of the broker in the default mode.
TEST_F(Persistence, AcknowledgedMessagesSurviveKill9) {
  TELEMQ_SKIP_UNLESS_TELEMQ("the reference broker saves its state only on a clean exit");
  auto subscriber = make_client("sub", protocol::v311);
  open_session(*subscriber);
  {
    auto publisher = connected_client("pub", protocol::v311);
    publish_while_offline(*publisher);
  }
  broker().kill_hard();
  std::string error = broker().start();
  ASSERT_TRUE(error.empty()) << "restart after kill -9 failed: " << error;
  resume_and_check(*subscriber, nullptr);
}

}  // namespace
}  // namespace telemq::integration
