// MQTT 5.0 properties (section 2.2.2): placement, repetition, value ranges and string checks.
#include "codec_test_support.hpp"

namespace telemq::protocol::test {
namespace {

bytes with_length(const bytes& props) {
  return concat({{static_cast<std::uint8_t>(props.size())}, props});
}
bytes publish_with(const bytes& props) {
  return packet_bytes(0x30, concat({str("t"), with_length(props), {'p'}}));
}
bytes connack_with(const bytes& props) {
  return packet_bytes(0x20, concat({{0x00, 0x00}, with_length(props)}));
}
bytes subscribe_with(const bytes& props) {
  return packet_bytes(0x82, concat({{0x00, 0x01}, with_length(props), str("a"), {0x01}}));
}
bytes puback_with(const bytes& props) {
  return packet_bytes(0x40, concat({{0x00, 0x01, 0x00}, with_length(props)}));
}

TEST(Properties, DuplicatePropertyIsProtocolError) {
  const error e = decode_error(publish_with({0x23, 0x00, 0x01, 0x23, 0x00, 0x02}), v5);
  EXPECT_EQ(e.code, reason_code::protocol_error);
  EXPECT_NE(e.message.find("Topic Alias"), std::string::npos) << e.message;
  EXPECT_EQ(decode_error(connack_with({0x21, 0x00, 0x01, 0x21, 0x00, 0x01}), v5).code,
            reason_code::protocol_error);
  EXPECT_EQ(decode_error(puback_with({0x1F, 0x00, 0x00, 0x1F, 0x00, 0x00}), v5).code,
            reason_code::protocol_error);
}

TEST(Properties, UserPropertyMayRepeat) {
  const packet p =
      decode_ok(publish_with(concat({{0x26}, str("a"), str("1"), {0x26}, str("a"), str("2")})), v5);
  EXPECT_EQ(std::get<publish_packet>(p).props.user_properties,
            (std::vector<user_property>{{"a", "1"}, {"a", "2"}}));
}

TEST(Properties, SubscriptionIdentifierMayRepeatInPublishOnly) {
  const packet p = decode_ok(publish_with({0x0B, 0x01, 0x0B, 0x80, 0x01}), v5);
  EXPECT_EQ(std::get<publish_packet>(p).props.subscription_identifiers,
            (std::vector<std::uint32_t>{1, 128}));
  EXPECT_EQ(decode_error(subscribe_with({0x0B, 0x01, 0x0B, 0x02}), v5).code,
            reason_code::protocol_error);
}

TEST(Properties, PropertyNotAllowedInPacketIsMalformed) {
  // Receive Maximum in PUBLISH, Topic Alias in CONNACK, Session Expiry in PUBACK, Will Delay in
  // CONNECT's own properties.
  for (const bytes& b : {publish_with({0x21, 0x00, 0x01}), connack_with({0x23, 0x00, 0x01}),
                         puback_with({0x11, 0x00, 0x00, 0x00, 0x01})}) {
    const error e = decode_error(b, v5);
    EXPECT_EQ(e.code, reason_code::malformed_packet);
    EXPECT_NE(e.message.find("not allowed"), std::string::npos) << e.message;
  }
  connect_packet c;
  c.version = v5;
  c.client_id = "c";
  bytes wire = encoded(c, v5);  // ... 00 3C | 00 | 00 01 'c'
  const bytes will_delay{0x18, 0x00, 0x00, 0x00, 0x01};
  wire[12] = static_cast<std::uint8_t>(will_delay.size());
  wire.insert(wire.begin() + 13, will_delay.begin(), will_delay.end());
  wire[1] = static_cast<std::uint8_t>(wire.size() - 2);
  EXPECT_EQ(decode_error(wire, v5).code, reason_code::malformed_packet);
}

TEST(Properties, UnknownPropertyIdentifierIsMalformed) {
  EXPECT_EQ(decode_error(publish_with({0x04, 0x00}), v5).code, reason_code::malformed_packet);
  EXPECT_EQ(decode_error(publish_with({0x7F, 0x00}), v5).code, reason_code::malformed_packet);
}

TEST(Properties, FlagsOtherThan0Or1AreProtocolErrors) {
  EXPECT_EQ(decode_error(publish_with({0x01, 0x02}), v5).code, reason_code::protocol_error);
  for (const std::uint8_t id : {0x24, 0x25, 0x28, 0x29, 0x2A}) {
    EXPECT_EQ(decode_error(connack_with({id, 0x02}), v5).code, reason_code::protocol_error)
        << int{id};
    EXPECT_TRUE(decode_packet(connack_with({id, 0x01}), v5).ok()) << int{id};
  }
}

TEST(Properties, ZeroValuesThatTheSpecForbidAreProtocolErrors) {
  // Receive Maximum 0, Maximum Packet Size 0, Subscription Identifier 0.
  EXPECT_EQ(decode_error(connack_with({0x21, 0x00, 0x00}), v5).code, reason_code::protocol_error);
  EXPECT_EQ(decode_error(connack_with({0x27, 0x00, 0x00, 0x00, 0x00}), v5).code,
            reason_code::protocol_error);
  EXPECT_EQ(decode_error(publish_with({0x0B, 0x00}), v5).code, reason_code::protocol_error);
  EXPECT_EQ(decode_error(subscribe_with({0x0B, 0x00}), v5).code, reason_code::protocol_error);
}

// Topic Alias 0 is refused by the receiver with Topic Alias invalid (0x94), which needs its
// maximum: the decoder lets it through.
TEST(Properties, TopicAliasZeroIsLeftToTheReceiver) {
  const packet p = decode_ok(publish_with({0x23, 0x00, 0x00}), v5);
  EXPECT_EQ(std::get<publish_packet>(p).props.topic_alias, 0);
}

TEST(Properties, SubscriptionIdentifierLongerThanFourBytesIsMalformed) {
  EXPECT_EQ(decode_error(publish_with({0x0B, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}), v5).code,
            reason_code::malformed_packet);
  const packet p = decode_ok(publish_with({0x0B, 0xFF, 0xFF, 0xFF, 0x7F}), v5);
  EXPECT_EQ(std::get<publish_packet>(p).props.subscription_identifiers[0], 268'435'455u);
}

TEST(Properties, PropertyValueRunningPastTheBlockIsMalformed) {
  // Message Expiry Interval needs 4 bytes, the block has 2.
  EXPECT_EQ(decode_error(publish_with({0x02, 0x00}), v5).code, reason_code::malformed_packet);
  // Property Length longer than four bytes.
  EXPECT_EQ(
      decode_error(packet_bytes(0x30, concat({str("t"), {0x80, 0x80, 0x80, 0x80, 0x01}})), v5).code,
      reason_code::malformed_packet);
}

TEST(Properties, StringPropertiesMustBeWellFormedUtf8_MQTT_1_5_4_1) {
  const bytes surrogate = str("\xED\xA0\x80");
  const bytes null_char = str(std::string_view("a\0", 2));
  for (const bytes& value : {surrogate, null_char}) {
    EXPECT_EQ(decode_error(publish_with(concat({{0x03}, value})), v5).code,
              reason_code::malformed_packet);  // Content Type
    EXPECT_EQ(decode_error(publish_with(concat({{0x08}, value})), v5).code,
              reason_code::malformed_packet);  // Response Topic
    EXPECT_EQ(decode_error(puback_with(concat({{0x1F}, value})), v5).code,
              reason_code::malformed_packet);  // Reason String
    EXPECT_EQ(decode_error(publish_with(concat({{0x26}, value, str("v")})), v5).code,
              reason_code::malformed_packet);  // User Property name
    EXPECT_EQ(decode_error(publish_with(concat({{0x26}, str("k"), value})), v5).code,
              reason_code::malformed_packet);  // User Property value
    EXPECT_EQ(decode_error(connack_with(concat({{0x15}, value})), v5).code,
              reason_code::malformed_packet);  // Authentication Method
    EXPECT_EQ(decode_error(connack_with(concat({{0x12}, value})), v5).code,
              reason_code::malformed_packet);  // Assigned Client Identifier
  }
}

TEST(Properties, BinaryPropertiesAreNotUtf8Checked) {
  const bytes raw = str(std::string_view("\x00\xED\xA0\x80\xFF", 5));
  EXPECT_TRUE(decode_packet(publish_with(concat({{0x09}, raw})), v5).ok());  // Correlation Data
  EXPECT_TRUE(decode_packet(connack_with(concat({{0x15}, str("m"), {0x16}, raw})), v5).ok());
}

TEST(Properties, ResponseTopicWithWildcardIsTopicNameInvalid_MQTT_3_3_2_14) {
  EXPECT_EQ(decode_error(publish_with(concat({{0x08}, str("r/+")})), v5).code,
            reason_code::topic_name_invalid);
}

TEST(Properties, EncodeLeavesOutPropertiesThePacketMayNotCarry) {
  properties p;
  p.receive_maximum = 5;  // CONNECT/CONNACK only
  p.reason_string = "ok";
  const bytes wire = encoded(puback_packet{1, reason_code::success, p}, v5);
  const packet decoded = decode_ok(wire, v5);
  EXPECT_FALSE(std::get<puback_packet>(decoded).props.receive_maximum.has_value());
  EXPECT_EQ(std::get<puback_packet>(decoded).props.reason_string, "ok");
  // Nothing the packet may carry: the short form.
  properties only_foreign;
  only_foreign.topic_alias = 3;
  EXPECT_EQ(encoded(puback_packet{1, reason_code::success, only_foreign}, v5).size(), 4u);
}

TEST(Properties, IgnoredBefore5) {
  const publish_packet p{
      "t", "x", qos::at_most_once, false, false, 0, full_properties(property_scope::publish)};
  const packet decoded = decode_ok(encoded(p, v311), v311);
  EXPECT_EQ(std::get<publish_packet>(decoded).props, properties{});
}

}  // namespace
}  // namespace telemq::protocol::test
