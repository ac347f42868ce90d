// MQTT 5 publication properties and features: topic aliases, message expiry, No Local, and the
// properties a broker must forward unaltered.
#include <thread>

#include "fixture/broker_test.hpp"

namespace telemq::integration {
namespace {

using namespace std::chrono_literals;
using TopicAlias = broker_test;
using MessageExpiry = broker_test;
using NoLocal = broker_test;
using Properties = broker_test;

constexpr auto io_timeout = std::chrono::milliseconds(wait_timeout);

// Connects a raw v5 client and returns the Topic Alias Maximum the broker announced.
std::uint32_t connect_raw_v5(raw_client& client, const std::string& client_id) {
  wire::connect_fields fields;
  fields.protocol_level = 5;
  fields.client_id = client_id;
  auto connack = client.handshake(fields, io_timeout);
  if (!connack || connack->code != 0) {
    ADD_FAILURE() << "v5 CONNECT failed: " << client.error();
    return 0;
  }
  const auto* maximum = connack->find(wire::topic_alias_maximum);
  return maximum ? maximum->number : 0;
}

// PUBLISH QoS 1 and wait for the PUBACK; returns its reason code (0 when omitted).
int publish_raw_qos1(raw_client& client, std::string_view topic, std::string_view payload,
                     std::uint16_t packet_id, const wire::bytes& properties) {
  if (!client.send(wire::encode_publish(5, topic, payload, 1, packet_id, false, properties))) {
    return -1;
  }
  auto reply = client.read_packet(io_timeout);
  if (reply.status != raw_client::read_status::packet || reply.packet.type() != wire::puback) {
    return -1;
  }
  return reply.packet.body.size() > 2 ? reply.packet.body[2] : 0;
}

TEST_F(TopicAlias, ClientToServerAliasResolves_V5_MQTT_3_3_2_12) {
  auto subscriber = connected_client("sub", protocol::v5);
  subscriber->subscribe("alias/#", 1);
  auto device = open_raw();
  const auto maximum = connect_raw_v5(device, "aliaser");
  ASSERT_GE(maximum, 1u) << "the broker announces no Topic Alias Maximum in CONNACK";

  const auto alias_1 = wire::property_writer().u16(wire::topic_alias, 1).data();
  EXPECT_EQ(publish_raw_qos1(device, "alias/x", "one", 1, alias_1), 0) << "topic + alias";
  EXPECT_EQ(publish_raw_qos1(device, "", "two", 2, alias_1), 0) << "empty topic + alias";
  // Re-mapping an alias to another topic is allowed.
  EXPECT_EQ(publish_raw_qos1(device, "alias/y", "three", 3, alias_1), 0);
  EXPECT_EQ(publish_raw_qos1(device, "", "four", 4, alias_1), 0);

  ASSERT_TRUE(subscriber->messages().wait_for_count(4));
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& m : subscriber->messages().snapshot()) {
    got.emplace_back(m->get_topic(), m->get_payload_str());
    EXPECT_FALSE(m->get_properties().contains(mqtt::property::TOPIC_ALIAS))
        << "Paho announced no Topic Alias Maximum, so the broker must not send aliases";
  }
  EXPECT_EQ(
      got, (std::vector<std::pair<std::string, std::string>>{
               {"alias/x", "one"}, {"alias/x", "two"}, {"alias/y", "three"}, {"alias/y", "four"}}));
}

// A broken alias makes the PUBLISH unusable: the connection must be closed (4.13), after an
// optional DISCONNECT whose reason code is an error (the spec leaves the exact code open:
// 0x82 Protocol Error and 0x94 Topic Alias invalid both fit).
void check_alias_error_closes(raw_client& device, const wire::bytes& publish) {
  ASSERT_TRUE(device.send(publish));
  std::vector<wire::packet> seen;
  EXPECT_TRUE(device.wait_closed(io_timeout, &seen)) << "the connection must be closed";
  for (const auto& p : seen) {
    if (p.type() == wire::disconnect) {
      EXPECT_GE(wire::disconnect_reason(p), 0x80) << "DISCONNECT must carry an error code";
    } else {
      ADD_FAILURE() << "unexpected packet type " << int(p.type()) << " (no PUBACK allowed)";
    }
  }
}

TEST_F(TopicAlias, UnknownAliasClosesConnection_V5_MQTT_3_3_2_3_4_and_4_13) {
  auto device = open_raw();
  ASSERT_GE(connect_raw_v5(device, "aliaser"), 1u);
  const auto alias_1 = wire::property_writer().u16(wire::topic_alias, 1).data();
  check_alias_error_closes(device, wire::encode_publish(5, "", "orphan", 1, 1, false, alias_1));
}

TEST_F(TopicAlias, AliasZeroClosesConnection_V5_MQTT_3_3_2_8) {
  auto device = open_raw();
  ASSERT_GE(connect_raw_v5(device, "aliaser"), 1u);
  const auto alias_0 = wire::property_writer().u16(wire::topic_alias, 0).data();
  check_alias_error_closes(device,
                           wire::encode_publish(5, "alias/z", "zero", 1, 1, false, alias_0));
}

// A persistent session is offline while messages with a short and a long expiry are queued.
class offline_expiry {
 public:
  explicit offline_expiry(broker_test& test)
      : subscriber_(test.make_client("sub", protocol::v5)),
        publisher_(test.connected_client("pub", protocol::v5)) {
    subscriber_->connect(true, 300);
    subscriber_->subscribe("expiry/#", 1);
    subscriber_->disconnect();
  }
  void publish(const std::string& payload, std::optional<int> expiry) {
    mqtt::properties props;
    if (expiry) {
      props.add({mqtt::property::MESSAGE_EXPIRY_INTERVAL, *expiry});
    }
    publisher_->publish("expiry/t", payload, 1, false, props);
  }
  // Reconnects and returns everything queued, up to the trailing no-expiry sentinel.
  std::vector<mqtt::const_message_ptr> resume() {
    auto response = subscriber_->connect(false, 300);
    EXPECT_TRUE(response.is_session_present());
    EXPECT_TRUE(subscriber_->messages().wait_for_payload("end"));
    return subscriber_->messages().snapshot();
  }

 private:
  std::unique_ptr<test_client> subscriber_;
  std::unique_ptr<test_client> publisher_;
};

TEST_F(MessageExpiry, ExpiredMessageNotDeliveredToOfflineSession_V5_MQTT_3_3_2_5) {
  offline_expiry session(*this);
  session.publish("short-lived", 1);
  session.publish("end", std::nullopt);
  std::this_thread::sleep_for(2500ms);  // the 1 s expiry must pass while the session is offline
  std::vector<std::string> payloads;
  for (const auto& m : session.resume()) {
    payloads.push_back(m->get_payload_str());
  }
  EXPECT_EQ(payloads, std::vector<std::string>{"end"})
      << "a message whose Message Expiry Interval passed must not be delivered";
}

TEST_F(MessageExpiry, RemainingIntervalIsDecremented_V5_MQTT_3_3_2_6) {
  offline_expiry session(*this);
  const auto published_at = std::chrono::steady_clock::now();
  session.publish("long-lived", 60);
  session.publish("end", std::nullopt);
  std::this_thread::sleep_for(2500ms);
  auto messages = session.resume();
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - published_at).count();
  ASSERT_EQ(messages.size(), 2u);
  ASSERT_EQ(messages[0]->get_payload_str(), "long-lived");
  auto expiry =
      int_properties(messages[0]->get_properties(), mqtt::property::MESSAGE_EXPIRY_INTERVAL);
  ASSERT_EQ(expiry.size(), 1u) << "the Message Expiry Interval must be forwarded";
  EXPECT_LE(expiry[0], 60 - 2) << "waited " << waited << " s in the broker: 60 minus that";
  EXPECT_GE(expiry[0], 60 - static_cast<int>(waited) - 2);
  EXPECT_FALSE(messages[1]->get_properties().contains(mqtt::property::MESSAGE_EXPIRY_INTERVAL))
      << "no expiry was set on the sentinel, none may be added";
}

TEST_F(NoLocal, OwnPublicationsNotReceived_V5_MQTT_3_8_3_3) {
  auto self = connected_client("self", protocol::v5);
  self->subscribe("nolocal/t", 1,
                  mqtt::subscribe_options(mqtt::subscribe_options::SUBSCRIBE_NO_LOCAL));
  auto control = connected_client("control", protocol::v5);
  control->subscribe("nolocal/t", 1);
  for (int i = 0; i < 5; ++i) {
    self->publish("nolocal/t", "own" + std::to_string(i), 1);
  }
  auto other = connected_client("other", protocol::v5);
  other->publish("nolocal/t", "foreign", 1);

  ASSERT_TRUE(control->messages().wait_for_count(6)) << "the control subscriber gets all 6";
  ASSERT_TRUE(self->messages().wait_for_payload("foreign"));
  EXPECT_EQ(self->messages().payloads(), std::vector<std::string>{"foreign"})
      << "No Local: nothing the client published itself";
}

TEST_F(NoLocal, WithoutNoLocalOwnPublicationsAreReceived_V5_MQTT_3_8_3_3) {
  auto self = connected_client("self", protocol::v5);
  self->subscribe("nolocal/t", 1);
  self->publish("nolocal/t", "own", 1);
  EXPECT_TRUE(self->messages().wait_for_payload("own"));
}

TEST_F(Properties, RequestResponsePropertiesForwarded_V5_MQTT_3_3_2_15_and_3_3_2_16) {
  auto responder = connected_client("responder", protocol::v5);
  responder->subscribe("service/request", 1);
  auto requester = connected_client("requester", protocol::v5);
  requester->subscribe("client/reply", 1);

  const std::string correlation("\x00\x01\xFFid-42", 7);  // binary, including a zero byte
  requester->publish("service/request", "question", 1, false,
                     {{mqtt::property::RESPONSE_TOPIC, "client/reply"},
                      {mqtt::property::CORRELATION_DATA, correlation}});
  ASSERT_TRUE(responder->messages().wait_for_count(1));
  const auto& request = responder->messages().snapshot().front()->get_properties();
  auto response_topic = string_property(request, mqtt::property::RESPONSE_TOPIC);
  auto correlation_got = string_property(request, mqtt::property::CORRELATION_DATA);
  ASSERT_EQ(response_topic, "client/reply");
  ASSERT_TRUE(correlation_got.has_value());
  EXPECT_TRUE(*correlation_got == correlation) << "Correlation Data must be forwarded unaltered";

  responder->publish(*response_topic, "answer", 1, false,
                     {{mqtt::property::CORRELATION_DATA, *correlation_got}});
  ASSERT_TRUE(requester->messages().wait_for_payload("answer"));
  auto back = string_property(requester->messages().snapshot().front()->get_properties(),
                              mqtt::property::CORRELATION_DATA);
  EXPECT_TRUE(back == correlation);
}

TEST_F(Properties, UserPropertiesForwardedInOrder_V5_MQTT_3_3_2_17_and_3_3_2_18) {
  auto subscriber = connected_client("sub", protocol::v5);
  subscriber->subscribe("props/user", 1);
  auto publisher = connected_client("pub", protocol::v5);
  const std::vector<mqtt::string_pair> sent = {{"site", "berlin"},
                                               {"unit",
                                                "\xC2\xB0"
                                                "C"},
                                               {"site", "paris"},
                                               {"empty", ""}};
  mqtt::properties props;
  for (const auto& [key, value] : sent) {
    props.add({mqtt::property::USER_PROPERTY, key, value});
  }
  publisher->publish("props/user", "with-user-props", 1, false, props);
  ASSERT_TRUE(subscriber->messages().wait_for_count(1));
  const auto& got = subscriber->messages().snapshot().front()->get_properties();
  ASSERT_EQ(got.count(mqtt::property::USER_PROPERTY), sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(mqtt::get<mqtt::string_pair>(got, mqtt::property::USER_PROPERTY, i), sent[i])
        << "user property " << i << ": same pairs, same order, duplicates kept";
  }
}

TEST_F(Properties, ContentTypeAndPayloadFormatForwarded_V5_MQTT_3_3_2_4_and_3_3_2_20) {
  auto subscriber = connected_client("sub", protocol::v5);
  subscriber->subscribe("props/ct/#", 1);
  auto publisher = connected_client("pub", protocol::v5);
  publisher->publish("props/ct/json", "{\"t\":21.5}", 1, false,
                     {{mqtt::property::CONTENT_TYPE, "application/json"},
                      {mqtt::property::PAYLOAD_FORMAT_INDICATOR, 1}});
  publisher->publish("props/ct/bin", std::string("\x01\x02", 2), 1, false,
                     {{mqtt::property::PAYLOAD_FORMAT_INDICATOR, 0}});
  ASSERT_TRUE(subscriber->messages().wait_for_count(2));
  auto messages = subscriber->messages().snapshot();
  const auto& json = messages[0]->get_properties();
  EXPECT_EQ(string_property(json, mqtt::property::CONTENT_TYPE), "application/json");
  EXPECT_EQ(int_properties(json, mqtt::property::PAYLOAD_FORMAT_INDICATOR), std::vector<int>{1});
  const auto& bin = messages[1]->get_properties();
  EXPECT_FALSE(bin.contains(mqtt::property::CONTENT_TYPE));
  auto indicator = int_properties(bin, mqtt::property::PAYLOAD_FORMAT_INDICATOR);
  // An explicit 0 may be forwarded or dropped: both mean "unspecified bytes".
  EXPECT_TRUE(indicator.empty() || indicator == std::vector<int>{0});
}

TEST_F(Properties, RetainedMessageKeepsItsProperties_V5_MQTT_3_3_2_4_and_3_3_2_17) {
  auto publisher = connected_client("pub", protocol::v5);
  publisher->publish("props/retained", "state", 1, true,
                     {{mqtt::property::CONTENT_TYPE, "text/plain"},
                      {mqtt::property::PAYLOAD_FORMAT_INDICATOR, 1},
                      {mqtt::property::USER_PROPERTY, "k", "v"}});
  auto subscriber = connected_client("sub", protocol::v5);
  subscriber->subscribe("props/retained", 1);
  ASSERT_TRUE(subscriber->messages().wait_for_count(1));
  const auto& got = subscriber->messages().snapshot().front()->get_properties();
  EXPECT_EQ(string_property(got, mqtt::property::CONTENT_TYPE), "text/plain");
  EXPECT_EQ(int_properties(got, mqtt::property::PAYLOAD_FORMAT_INDICATOR), std::vector<int>{1});
  ASSERT_EQ(got.count(mqtt::property::USER_PROPERTY), 1u);
  EXPECT_EQ(mqtt::get<mqtt::string_pair>(got, mqtt::property::USER_PROPERTY),
            mqtt::string_pair("k", "v"));
}

}  // namespace
}  // namespace telemq::integration
