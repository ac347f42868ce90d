// The fixed header: packet types, reserved flag bits and the Remaining Length.
#include "codec_test_support.hpp"

namespace telemq::protocol::test {
namespace {

TEST(FixedHeader, PacketType0IsMalformed) {
  const error e = decode_error(bytes{0x00, 0x00}, v311);
  EXPECT_EQ(e.code, reason_code::malformed_packet);
  EXPECT_NE(e.message.find("type 0"), std::string::npos) << e.message;
}

TEST(FixedHeader, AuthBefore5IsMalformed) {
  EXPECT_EQ(decode_error(bytes{0xF0, 0x00}, v311).code, reason_code::malformed_packet);
  EXPECT_EQ(decode_error(bytes{0xF0, 0x00}, v31).code, reason_code::malformed_packet);
  EXPECT_EQ(decode_ok(bytes{0xF0, 0x00}, v5), packet(auth_packet{}));
}

// Every packet but PUBLISH has fixed flags: 0b0010 for PUBREL, SUBSCRIBE and UNSUBSCRIBE, 0
// otherwise.
TEST(FixedHeader, ReservedFlagBitsMustMatch_MQTT_2_2_2_1) {
  const std::vector<bytes> valid = {
      encoded(connect_packet{v311, true, 0, "c"}, v311),
      encoded(connack_packet{}, v311),
      encoded(puback_packet{1}, v311),
      encoded(pubrec_packet{1}, v311),
      encoded(pubrel_packet{1}, v311),
      encoded(pubcomp_packet{1}, v311),
      encoded(subscribe_packet{1, {{"a", {}}}, {}}, v311),
      encoded(suback_packet{1, {reason_code::granted_qos_0}, {}}, v311),
      encoded(unsubscribe_packet{1, {"a"}, {}}, v311),
      encoded(unsuback_packet{1}, v311),
      encoded(pingreq_packet{}, v311),
      encoded(pingresp_packet{}, v311),
      encoded(disconnect_packet{}, v311),
  };
  for (const bytes& good : valid) {
    ASSERT_TRUE(decode_packet(good, v311).ok());
    for (std::uint8_t flags = 0; flags < 16; ++flags) {
      bytes bad = good;
      bad[0] = static_cast<std::uint8_t>((good[0] & 0xF0) | flags);
      if (bad[0] == good[0]) {
        continue;
      }
      const error e = decode_error(bad, v311);
      EXPECT_EQ(e.code, reason_code::malformed_packet);
      EXPECT_NE(e.message.find("[MQTT-2.2.2-1]"), std::string::npos) << e.message;
    }
  }
  EXPECT_EQ(decode_error(bytes{0xF1, 0x00}, v5).code, reason_code::malformed_packet);
}

TEST(FixedHeader, Mqtt31AcceptsDupOnPubrelSubscribeUnsubscribe) {
  bytes pubrel = encoded(pubrel_packet{1}, v31);
  pubrel[0] |= 0x08;
  EXPECT_TRUE(decode_packet(pubrel, v31).ok());
  EXPECT_FALSE(decode_packet(pubrel, v311).ok());
}

TEST(FixedHeader, BytesLeftOverAreMalformed) {
  // PUBACK with a third byte in 3.1.1; PINGREQ with a body; DISCONNECT 3.1.1 with a body.
  for (const bytes& b : {bytes{0x40, 0x03, 0x00, 0x01, 0x00}, bytes{0xC0, 0x01, 0x00},
                         bytes{0xE0, 0x01, 0x00}, bytes{0xB0, 0x03, 0x00, 0x01, 0x00}}) {
    const error e = decode_error(b, v311);
    EXPECT_EQ(e.code, reason_code::malformed_packet);
    EXPECT_NE(e.message.find("left over"), std::string::npos) << e.message;
  }
  // 5.0 PUBACK with properties and one more byte.
  EXPECT_EQ(decode_error(bytes{0x40, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00}, v5).code,
            reason_code::malformed_packet);
  // CONNECT with a byte after the last field.
  bytes connect = encoded(connect_packet{v311, true, 0, "c"}, v311);
  connect.push_back(0);
  connect[1] += 1;
  EXPECT_EQ(decode_error(connect, v311).code, reason_code::malformed_packet);
}

TEST(FixedHeader, FieldRunningPastTheEndIsMalformed) {
  // PUBACK with a one byte packet identifier; PUBLISH whose topic length exceeds the packet.
  for (const bytes& b : {bytes{0x40, 0x01, 0x00}, bytes{0x30, 0x03, 0x00, 0x05, 'a'},
                         bytes{0x32, 0x03, 0x00, 0x01, 'a'}, bytes{0x20, 0x01, 0x00}}) {
    const error e = decode_error(b, v311);
    EXPECT_EQ(e.code, reason_code::malformed_packet);
    EXPECT_NE(e.message.find("runs past the end"), std::string::npos) << e.message;
  }
  // A property block longer than the packet.
  EXPECT_EQ(decode_error(bytes{0x30, 0x04, 0x00, 0x01, 'a', 0x05}, v5).code,
            reason_code::malformed_packet);
}

TEST(FixedHeader, RemainingLengthThatDisagreesWithTheBufferIsMalformed) {
  EXPECT_EQ(decode_error(bytes{0xC0, 0x01}, v311).code, reason_code::malformed_packet);
  EXPECT_EQ(decode_error(bytes{0xC0, 0x00, 0x00}, v311).code, reason_code::malformed_packet);
  EXPECT_EQ(decode_error(bytes{0xC0}, v311).code, reason_code::malformed_packet);
}

}  // namespace
}  // namespace telemq::protocol::test
