// CONNECT and CONNACK validation (MQTT 5.0 sections 3.1 and 3.2, 3.1.1 sections 3.1 and 3.2).
#include "codec_test_support.hpp"

namespace telemq::protocol::test {
namespace {

// A CONNECT with the given name, level and flags, client id "c" and whatever payload follows.
bytes connect_bytes(std::string_view name, std::uint8_t level, std::uint8_t flags,
                    const bytes& payload = {}, bool with_properties = false) {
  bytes body = concat({str(name), {level, flags, 0x00, 0x3C}});
  if (with_properties) {
    body.push_back(0x00);
  }
  return packet_bytes(0x10, concat({body, str("c"), payload}));
}

TEST(Connect, DecodedWhateverVersionTheDecoderIsSetTo) {
  for (const protocol_version level : {v31, v311, v5}) {
    connect_packet p;
    p.version = level;
    p.client_id = "c";
    for (const protocol_version decoder_version : {v31, v311, v5}) {
      EXPECT_EQ(decode_ok(encoded(p, level), decoder_version), packet(p));
    }
  }
}

TEST(Connect, UnknownProtocolLevelIsUnsupportedVersion_MQTT_3_1_2_2) {
  for (const std::uint8_t level : {0, 1, 2, 6, 255}) {
    const error e = decode_error(connect_bytes("MQTT", level, 0x02), v311);
    EXPECT_EQ(e.code, reason_code::unsupported_protocol_version);
    EXPECT_NE(e.message.find("[MQTT-3.1.2-2]"), std::string::npos) << e.message;
  }
}

TEST(Connect, WrongProtocolNameIsUnsupportedVersion_MQTT_3_1_2_1) {
  const struct {
    std::string_view name;
    std::uint8_t level;
  } cases[] = {{"MQIsdp", 4}, {"MQIsdp", 5}, {"MQTT", 3}, {"mqtt", 4}, {"HTTP", 5}, {"", 4}};
  for (const auto& c : cases) {
    const error e = decode_error(connect_bytes(c.name, c.level, 0x02), v311);
    EXPECT_EQ(e.code, reason_code::unsupported_protocol_version);
    EXPECT_NE(e.message.find("protocol name"), std::string::npos) << e.message;
  }
}

TEST(Connect, ReservedFlagSetIsMalformed_MQTT_3_1_2_3) {
  const error e = decode_error(connect_bytes("MQTT", 4, 0x03), v311);
  EXPECT_EQ(e.code, reason_code::malformed_packet);
  EXPECT_NE(e.message.find("[MQTT-3.1.2-3]"), std::string::npos) << e.message;
}

TEST(Connect, WillQosWithoutWillFlagIsMalformed_MQTT_3_1_2_11) {
  EXPECT_EQ(decode_error(connect_bytes("MQTT", 4, 0x0A), v311).message.find("[MQTT-3.1.2-13]") !=
                std::string::npos,
            true);
  const error e = decode_error(connect_bytes("MQTT", 5, 0x12, {}, true), v311);
  EXPECT_EQ(e.code, reason_code::malformed_packet);
  EXPECT_NE(e.message.find("[MQTT-3.1.2-11]"), std::string::npos) << e.message;
}

TEST(Connect, WillRetainWithoutWillFlagIsMalformed_MQTT_3_1_2_13) {
  EXPECT_EQ(decode_error(connect_bytes("MQTT", 4, 0x22), v311).code, reason_code::malformed_packet);
  const error e = decode_error(connect_bytes("MQTT", 5, 0x22, {}, true), v311);
  EXPECT_NE(e.message.find("[MQTT-3.1.2-13]"), std::string::npos) << e.message;
}

TEST(Connect, WillQos3IsMalformed_MQTT_3_1_2_12) {
  const bytes will = concat({str("w"), str("p")});
  EXPECT_EQ(decode_error(connect_bytes("MQTT", 4, 0x1E, will), v311).code,
            reason_code::malformed_packet);
  const error e = decode_error(connect_bytes("MQTT", 5, 0x1E, concat({{0x00}, will}), true), v5);
  EXPECT_EQ(e.code, reason_code::malformed_packet);
  EXPECT_NE(e.message.find("[MQTT-3.1.2-12]"), std::string::npos) << e.message;
}

TEST(Connect, PasswordWithoutUserNameIsMalformedIn311_MQTT_3_1_2_22) {
  const error e = decode_error(connect_bytes("MQTT", 4, 0x42, str("pw")), v311);
  EXPECT_EQ(e.code, reason_code::malformed_packet);
  EXPECT_NE(e.message.find("[MQTT-3.1.2-22]"), std::string::npos) << e.message;
  EXPECT_FALSE(decode_packet(connect_bytes("MQIsdp", 3, 0x42, str("pw")), v311).ok());
}

TEST(Connect, PasswordWithoutUserNameIsAllowedIn5) {
  const packet p = decode_ok(connect_bytes("MQTT", 5, 0x42, str("pw"), true), v5);
  EXPECT_EQ(std::get<connect_packet>(p).password, "pw");
  EXPECT_FALSE(std::get<connect_packet>(p).username.has_value());
}

TEST(Connect, MissingPayloadFieldIsMalformed) {
  // User name flag set but no user name.
  EXPECT_EQ(decode_error(connect_bytes("MQTT", 4, 0x82), v311).code, reason_code::malformed_packet);
  // Will flag set but no will topic.
  EXPECT_EQ(decode_error(connect_bytes("MQTT", 4, 0x06), v311).code, reason_code::malformed_packet);
}

TEST(Connect, WillTopicWithWildcardIsTopicNameInvalid) {
  const error e =
      decode_error(connect_bytes("MQTT", 4, 0x06, concat({str("a/#"), str("x")})), v311);
  EXPECT_EQ(e.code, reason_code::topic_name_invalid);
}

TEST(Connect, Utf8FieldsAreValidated_MQTT_1_5_4_1) {
  // Client identifier with a surrogate (U+D800).
  bytes bad_client =
      packet_bytes(0x10, concat({str("MQTT"), {0x04, 0x02, 0x00, 0x3C}, str("\xED\xA0\x80")}));
  EXPECT_EQ(decode_error(bad_client, v311).code, reason_code::malformed_packet);
  // User name with U+0000.
  const error e =
      decode_error(connect_bytes("MQTT", 4, 0x82, str(std::string_view("u\0x", 3))), v311);
  EXPECT_EQ(e.code, reason_code::malformed_packet);
  EXPECT_NE(e.message.find("[MQTT-1.5.4-2]"), std::string::npos) << e.message;
  // Will topic ill-formed (lone continuation byte).
  EXPECT_EQ(
      decode_error(connect_bytes("MQTT", 4, 0x06, concat({str("\x80"), str("x")})), v311).code,
      reason_code::malformed_packet);
}

TEST(Connect, BinaryFieldsAreNotUtf8Checked) {
  // Password and will payload are Binary Data: anything goes.
  const bytes payload = concat({str("w"), str(std::string_view("\x00\xED\xA0\x80", 4)), str("u"),
                                str(std::string_view("\xFF\x00", 2))});
  const packet p = decode_ok(connect_bytes("MQTT", 4, 0xC6, payload), v311);
  EXPECT_EQ(std::get<connect_packet>(p).password, std::string("\xFF\x00", 2));
}

TEST(Connect, AuthenticationDataWithoutMethodIsProtocolError) {
  connect_packet p;
  p.version = v5;
  p.client_id = "c";
  p.props.authentication_data = "x";
  EXPECT_EQ(decode_error(encoded(p, v5), v5).code, reason_code::protocol_error);
}

TEST(Connack, ReservedAcknowledgeFlagsAreMalformed_MQTT_3_2_2_1) {
  EXPECT_EQ(decode_error(bytes{0x20, 0x02, 0x02, 0x00}, v311).code, reason_code::malformed_packet);
  EXPECT_EQ(decode_error(bytes{0x20, 0x03, 0x80, 0x00, 0x00}, v5).code,
            reason_code::malformed_packet);
}

TEST(Connack, ReturnCodesMapOntoReasonCodes) {
  const std::pair<std::uint8_t, reason_code> cases[] = {
      {0, reason_code::success},
      {1, reason_code::unsupported_protocol_version},
      {2, reason_code::client_identifier_not_valid},
      {3, reason_code::server_unavailable},
      {4, reason_code::bad_user_name_or_password},
      {5, reason_code::not_authorized}};
  for (const auto& [code, reason] : cases) {
    EXPECT_EQ(decode_ok(bytes{0x20, 0x02, 0x00, code}, v311),
              packet(connack_packet{false, reason, {}}));
  }
  EXPECT_EQ(decode_error(bytes{0x20, 0x02, 0x00, 0x06}, v311).code, reason_code::malformed_packet);
}

TEST(Connack, ReasonCodeNotForConnackIsProtocolError) {
  // 0x10 (No matching subscribers) is a PUBACK code.
  EXPECT_EQ(decode_error(bytes{0x20, 0x03, 0x00, 0x10, 0x00}, v5).code,
            reason_code::protocol_error);
}

}  // namespace
}  // namespace telemq::protocol::test
