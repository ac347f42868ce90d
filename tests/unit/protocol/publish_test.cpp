// PUBLISH validation (MQTT 5.0 section 3.3, 3.1.1 section 3.3).
#include "codec_test_support.hpp"

namespace telemq::protocol::test {
namespace {

bytes publish_bytes(std::uint8_t first, std::string_view topic, const bytes& rest = {}) {
  return packet_bytes(first, concat({str(topic), rest}));
}

TEST(Publish, Qos3IsMalformed_MQTT_3_3_1_4) {
  for (const protocol_version v : {v31, v311, v5}) {
    const error e = decode_error(publish_bytes(0x36, "a", {0x00, 0x01, 0x00}), v);
    EXPECT_EQ(e.code, reason_code::malformed_packet);
    EXPECT_EQ(e.message, "PUBLISH with QoS 3 [MQTT-3.3.1-4]");
  }
}

TEST(Publish, DupOnQos0IsMalformed_MQTT_3_3_1_2) {
  const error e = decode_error(publish_bytes(0x38, "a"), v311);
  EXPECT_EQ(e.code, reason_code::malformed_packet);
  EXPECT_NE(e.message.find("[MQTT-3.3.1-2]"), std::string::npos);
}

TEST(Publish, PacketIdentifier0WithQos1Or2IsRejected_MQTT_2_3_1_1) {
  for (const std::uint8_t first : {0x32, 0x34}) {
    const error e = decode_error(publish_bytes(first, "a", {0x00, 0x00}), v311);
    EXPECT_EQ(e.code, reason_code::protocol_error);
    EXPECT_NE(e.message.find("[MQTT-2.3.1-1]"), std::string::npos) << e.message;
  }
}

TEST(Publish, WildcardInTopicNameIsTopicNameInvalid_MQTT_3_3_2_2) {
  for (const std::string_view topic : {"a/+", "#", "a/#", "+", "\xC3\xA9/+"}) {
    const error e = decode_error(publish_bytes(0x30, topic), v311);
    EXPECT_EQ(e.code, reason_code::topic_name_invalid) << topic;
    EXPECT_NE(e.message.find("[MQTT-3.3.2-2]"), std::string::npos) << e.message;
  }
}

TEST(Publish, EmptyTopicIsProtocolErrorBefore5_MQTT_4_7_3_1) {
  for (const protocol_version v : {v31, v311}) {
    const error e = decode_error(publish_bytes(0x30, ""), v);
    EXPECT_EQ(e.code, reason_code::protocol_error);
    EXPECT_NE(e.message.find("[MQTT-4.7.3-1]"), std::string::npos) << e.message;
  }
}

TEST(Publish, EmptyTopicWithoutTopicAliasIsProtocolErrorIn5) {
  EXPECT_EQ(decode_error(publish_bytes(0x30, "", {0x00}), v5).code, reason_code::protocol_error);
  // With a Topic Alias it is how an established alias is used.
  const packet p = decode_ok(publish_bytes(0x30, "", {0x03, 0x23, 0x00, 0x01, 'x'}), v5);
  EXPECT_EQ(std::get<publish_packet>(p).props.topic_alias, 1);
  EXPECT_EQ(std::get<publish_packet>(p).payload, "x");
}

TEST(Publish, TopicMustBeWellFormedUtf8_MQTT_1_5_4_1) {
  // Surrogate U+D800, overlong '/', truncated sequence, byte 0xFF.
  for (const std::string_view topic : {"a/\xED\xA0\x80", "\xC0\xAF", "a\xE2\x82", "\xFF"}) {
    const error e = decode_error(publish_bytes(0x30, topic), v311);
    EXPECT_EQ(e.code, reason_code::malformed_packet);
    EXPECT_NE(e.message.find("[MQTT-1.5.4-1]"), std::string::npos) << e.message;
  }
}

TEST(Publish, TopicMustNotContainNullCharacter_MQTT_1_5_4_2) {
  const error e = decode_error(publish_bytes(0x30, std::string_view("a\0b", 3)), v311);
  EXPECT_EQ(e.code, reason_code::malformed_packet);
  EXPECT_NE(e.message.find("[MQTT-1.5.4-2]"), std::string::npos) << e.message;
}

TEST(Publish, TopicChecksHoldAtEveryPosition) {
  // The topic scan works a word at a time; a bad byte must be found wherever it sits.
  const std::string base(24, 'a');
  for (std::size_t at = 0; at < base.size(); ++at) {
    SCOPED_TRACE(at);
    auto with = [&](std::string_view inserted) {
      std::string topic = base;
      topic.replace(at, inserted.size(), inserted);
      return publish_bytes(0x30, topic);
    };
    EXPECT_EQ(decode_error(with("+"), v311).code, reason_code::topic_name_invalid);
    EXPECT_EQ(decode_error(with("#"), v311).code, reason_code::topic_name_invalid);
    EXPECT_EQ(decode_error(with(std::string_view("\0", 1)), v311).code,
              reason_code::malformed_packet);
    EXPECT_EQ(decode_error(with("\xFF"), v311).code, reason_code::malformed_packet);
    if (at + 2 <= base.size()) {
      EXPECT_TRUE(decode_packet(with("\xC3\xA9"), v311).ok());
      EXPECT_EQ(decode_error(with("\xED\xA0"), v311).code, reason_code::malformed_packet);
    }
    EXPECT_TRUE(decode_packet(with("/"), v311).ok());
  }
}

TEST(Publish, PayloadIsNotUtf8Checked) {
  const packet p = decode_ok(publish_bytes(0x30, "a", {0xFF, 0x00, 0xED, 0xA0, 0x80}), v311);
  EXPECT_EQ(std::get<publish_packet>(p).payload.size(), 5u);
}

TEST(Publish, NonAsciiTopicIsAccepted) {
  const packet p = decode_ok(publish_bytes(0x30, "caf\xC3\xA9/\xF0\x9F\x98\x80"), v311);
  EXPECT_EQ(std::get<publish_packet>(p).topic, "caf\xC3\xA9/\xF0\x9F\x98\x80");
}

TEST(Publish, DecodePublishReusesThePacket) {
  publish_packet reused;
  reused.props.reason_string = "left over";  // not a PUBLISH property: must be cleared
  const bytes first = encoded(publish_packet{"x/y", "payload", qos::exactly_once, true, true, 9,
                                             full_properties(property_scope::publish)},
                              v5);
  ASSERT_FALSE(decode_publish(first, v5, reused).has_value());
  EXPECT_EQ(reused.topic, "x/y");
  EXPECT_FALSE(reused.props.reason_string.has_value());
  const bytes second =
      encoded(publish_packet{"a", "b", qos::at_most_once, false, false, 0, {}}, v5);
  ASSERT_FALSE(decode_publish(second, v5, reused).has_value());
  EXPECT_EQ(reused, (publish_packet{"a", "b", qos::at_most_once, false, false, 0, {}}));
  EXPECT_EQ(decode_publish(bytes{0xC0, 0x00}, v5, reused)->code, reason_code::malformed_packet);
  EXPECT_EQ(decode_publish(publish_bytes(0x36, "a", {0, 1}), v5, reused)->code,
            reason_code::malformed_packet);
}

}  // namespace
}  // namespace telemq::protocol::test
