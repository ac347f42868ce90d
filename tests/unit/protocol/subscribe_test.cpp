// SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK validation (MQTT 5.0 sections 3.8 to 3.11).
#include "codec_test_support.hpp"

namespace telemq::protocol::test {
namespace {

bytes subscribe_bytes(protocol_version v, const bytes& payload, std::uint16_t id = 1) {
  bytes body{static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
  if (v == v5) {
    body.push_back(0x00);
  }
  return packet_bytes(0x82, concat({body, payload}));
}

TEST(Subscribe, PacketIdentifier0IsRejected_MQTT_2_3_1_1) {
  const error e = decode_error(subscribe_bytes(v311, concat({str("a"), {0x00}}), 0), v311);
  EXPECT_EQ(e.code, reason_code::protocol_error);
  EXPECT_NE(e.message.find("[MQTT-2.3.1-1]"), std::string::npos);
  EXPECT_EQ(decode_error(packet_bytes(0xA2, concat({{0, 0}, str("a")})), v311).code,
            reason_code::protocol_error);
}

TEST(Subscribe, NoTopicFiltersIsProtocolError_MQTT_3_8_3_3) {
  const error e = decode_error(subscribe_bytes(v311, {}), v311);
  EXPECT_EQ(e.code, reason_code::protocol_error);
  EXPECT_NE(e.message.find("[MQTT-3.8.3-3]"), std::string::npos) << e.message;
  EXPECT_EQ(decode_error(subscribe_bytes(v5, {}), v5).code, reason_code::protocol_error);
}

TEST(Unsubscribe, NoTopicFiltersIsProtocolError_MQTT_3_10_3_2) {
  const error e = decode_error(packet_bytes(0xA2, {0x00, 0x01}), v311);
  EXPECT_EQ(e.code, reason_code::protocol_error);
  EXPECT_NE(e.message.find("[MQTT-3.10.3-2]"), std::string::npos) << e.message;
  EXPECT_EQ(decode_error(packet_bytes(0xA2, {0x00, 0x01, 0x00}), v5).code,
            reason_code::protocol_error);
}

TEST(Subscribe, RequestedQosUpperBitsAreMalformedIn311_MQTT_3_8_3_4) {
  for (const std::uint8_t options : {0x04, 0x80, 0x03}) {
    EXPECT_EQ(decode_error(subscribe_bytes(v311, concat({str("a"), {options}})), v311).code,
              reason_code::malformed_packet);
  }
}

TEST(Subscribe, ReservedOptionBitsAreMalformed_MQTT_3_8_3_5) {
  for (const std::uint8_t options : {0x40, 0x80}) {
    const error e = decode_error(subscribe_bytes(v5, concat({str("a"), {options}})), v5);
    EXPECT_EQ(e.code, reason_code::malformed_packet);
    EXPECT_NE(e.message.find("[MQTT-3.8.3-5]"), std::string::npos) << e.message;
  }
}

TEST(Subscribe, MaximumQos3IsProtocolErrorIn5) {
  EXPECT_EQ(decode_error(subscribe_bytes(v5, concat({str("a"), {0x03}})), v5).code,
            reason_code::protocol_error);
}

TEST(Subscribe, RetainHandling3IsProtocolError) {
  EXPECT_EQ(decode_error(subscribe_bytes(v5, concat({str("a"), {0x30}})), v5).code,
            reason_code::protocol_error);
}

TEST(Subscribe, NoLocalOnSharedSubscriptionIsProtocolError_MQTT_3_8_3_4) {
  const error e = decode_error(subscribe_bytes(v5, concat({str("$share/g/a"), {0x04}})), v5);
  EXPECT_EQ(e.code, reason_code::protocol_error);
  EXPECT_NE(e.message.find("[MQTT-3.8.3-4]"), std::string::npos) << e.message;
  EXPECT_TRUE(decode_packet(subscribe_bytes(v5, concat({str("$share/g/a"), {0x00}})), v5).ok());
}

TEST(Subscribe, InvalidTopicFilterIsLeftToTheServer) {
  // '#' not last, '+' with other characters, empty, bad share: answered per filter in SUBACK.
  for (const std::string_view filter : {"a/#/b", "a+", "", "$share//a", "$share/g"}) {
    EXPECT_TRUE(decode_packet(subscribe_bytes(v5, concat({str(filter), {0x00}})), v5).ok())
        << filter;
  }
}

TEST(Subscribe, TopicFilterMustBeWellFormedUtf8_MQTT_1_5_4_1) {
  EXPECT_EQ(decode_error(subscribe_bytes(v311, concat({str("a/\xED\xBF\xBF"), {0x00}})), v311).code,
            reason_code::malformed_packet);
  EXPECT_EQ(decode_error(packet_bytes(0xA2, concat({{0x00, 0x01}, str("\xC1\x81")})), v311).code,
            reason_code::malformed_packet);
}

TEST(Subscribe, MissingOptionsByteIsMalformed) {
  EXPECT_EQ(decode_error(subscribe_bytes(v311, str("a")), v311).code,
            reason_code::malformed_packet);
}

TEST(Suback, ReservedReturnCodeIsMalformedIn311_MQTT_3_9_3_2) {
  EXPECT_EQ(decode_error(bytes{0x90, 0x03, 0x00, 0x01, 0x03}, v311).code,
            reason_code::malformed_packet);
  EXPECT_TRUE(decode_packet(bytes{0x90, 0x03, 0x00, 0x01, 0x80}, v311).ok());
}

TEST(Suback, ReasonCodeNotForSubackIsProtocolErrorIn5) {
  EXPECT_EQ(decode_error(bytes{0x90, 0x04, 0x00, 0x01, 0x00, 0x10}, v5).code,
            reason_code::protocol_error);
}

TEST(Unsuback, ReasonCodesOnlyIn5) {
  EXPECT_EQ(decode_ok(bytes{0xB0, 0x04, 0x00, 0x01, 0x00, 0x11}, v5),
            packet(unsuback_packet{1, {reason_code::no_subscription_existed}, {}}));
  EXPECT_EQ(decode_error(bytes{0xB0, 0x04, 0x00, 0x01, 0x00, 0x02}, v5).code,
            reason_code::protocol_error);
}

TEST(Acks, PacketIdentifier0IsRejected_MQTT_2_3_1_1) {
  for (const std::uint8_t first : {0x40, 0x50, 0x62, 0x70}) {
    const error e = decode_error(bytes{first, 0x02, 0x00, 0x00}, v311);
    EXPECT_EQ(e.code, reason_code::protocol_error);
    EXPECT_NE(e.message.find("[MQTT-2.3.1-1]"), std::string::npos) << e.message;
  }
  EXPECT_EQ(decode_error(bytes{0x90, 0x03, 0x00, 0x00, 0x00}, v311).code,
            reason_code::protocol_error);
  EXPECT_EQ(decode_error(bytes{0xB0, 0x02, 0x00, 0x00}, v311).code, reason_code::protocol_error);
}

TEST(Acks, ReasonCodeNotForThePacketIsProtocolError) {
  // 0x92 (packet identifier not found) belongs to PUBREL/PUBCOMP, not PUBACK.
  EXPECT_EQ(decode_error(bytes{0x40, 0x03, 0x00, 0x01, 0x92}, v5).code,
            reason_code::protocol_error);
  EXPECT_TRUE(decode_packet(bytes{0x62, 0x03, 0x00, 0x01, 0x92}, v5).ok());
  EXPECT_EQ(decode_error(bytes{0x70, 0x03, 0x00, 0x01, 0x10}, v5).code,
            reason_code::protocol_error);
}

TEST(Disconnect, ReasonCodeOnlyAndShortForms) {
  EXPECT_EQ(decode_ok(bytes{0xE0, 0x00}, v5), packet(disconnect_packet{}));
  EXPECT_EQ(decode_ok(bytes{0xE0, 0x01, 0x04}, v5),
            packet(disconnect_packet{reason_code::disconnect_with_will_message, {}}));
  EXPECT_EQ(decode_error(bytes{0xE0, 0x01, 0x01}, v5).code, reason_code::protocol_error);
}

TEST(Auth, ReasonCodesAreValidated) {
  EXPECT_EQ(decode_ok(bytes{0xF0, 0x02, 0x18, 0x00}, v5),
            packet(auth_packet{reason_code::continue_authentication, {}}));
  EXPECT_EQ(decode_error(bytes{0xF0, 0x02, 0x80, 0x00}, v5).code, reason_code::protocol_error);
}

}  // namespace
}  // namespace telemq::protocol::test
