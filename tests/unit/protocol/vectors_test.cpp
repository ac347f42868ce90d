// Byte-exact encodings written from the examples and tables of the OASIS specifications.
#include "broker/protocol/primitives.hpp"
#include "codec_test_support.hpp"

namespace telemq::protocol::test {
namespace {

bytes vbi(std::uint32_t value) {
  detail::size_counter counter;
  detail::put_variable_byte_integer(counter, value);
  bytes out(counter.size);
  detail::pointer_writer writer{out.data()};
  detail::put_variable_byte_integer(writer, value);
  return out;
}

// MQTT 5.0 section 1.5.5, Table 1-1 (3.1.1 section 2.2.3, Table 2.4).
TEST(VariableByteInteger, BoundaryValuesEncodeAsInTable_1_1) {
  EXPECT_EQ(vbi(0), (bytes{0x00}));
  EXPECT_EQ(vbi(127), (bytes{0x7F}));
  EXPECT_EQ(vbi(128), (bytes{0x80, 0x01}));
  EXPECT_EQ(vbi(16'383), (bytes{0xFF, 0x7F}));
  EXPECT_EQ(vbi(16'384), (bytes{0x80, 0x80, 0x01}));
  EXPECT_EQ(vbi(2'097'151), (bytes{0xFF, 0xFF, 0x7F}));
  EXPECT_EQ(vbi(2'097'152), (bytes{0x80, 0x80, 0x80, 0x01}));
  EXPECT_EQ(vbi(268'435'455), (bytes{0xFF, 0xFF, 0xFF, 0x7F}));
  for (const std::uint32_t v :
       {0u, 127u, 128u, 16'383u, 16'384u, 2'097'151u, 2'097'152u, 268'435'455u}) {
    EXPECT_EQ(vbi(v).size(), detail::variable_byte_integer_size(v));
  }
}

TEST(VariableByteInteger, BoundaryValuesDecode) {
  for (const std::uint32_t v :
       {0u, 127u, 128u, 16'383u, 16'384u, 2'097'151u, 2'097'152u, 268'435'455u}) {
    const bytes b = vbi(v);
    detail::reader in(b);
    std::uint32_t out = 1;
    ASSERT_EQ(in.variable_byte_integer(out), detail::reader::vbi_status::ok);
    EXPECT_EQ(out, v);
    EXPECT_TRUE(in.empty());
  }
}

TEST(VariableByteInteger, FiveBytesAreMalformed_MQTT_1_5_5) {
  const bytes b{0xFF, 0xFF, 0xFF, 0xFF, 0x01};
  detail::reader in(b);
  std::uint32_t out = 0;
  EXPECT_EQ(in.variable_byte_integer(out), detail::reader::vbi_status::too_long);
  // As a Remaining Length.
  const error e = decode_error(bytes{0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, v311);
  EXPECT_EQ(e.code, reason_code::malformed_packet);
}

// 3.1.1 section 3.1.2.10: the example variable header (user name, password, will QoS 1, will
// flag, clean session; keep alive 10).
TEST(Vectors, Connect311Example_3_1_2_10) {
  const bytes wire =
      packet_bytes(0x10, concat({{0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0xCE, 0x00, 0x0A},
                                 str("cid"),
                                 str("will/t"),
                                 str("bye"),
                                 str("user"),
                                 str("pw")}));
  connect_packet expected;
  expected.version = v311;
  expected.clean_start = true;
  expected.keep_alive = 10;
  expected.client_id = "cid";
  expected.will = will_message{"will/t", "bye", qos::at_least_once, false, {}};
  expected.username = "user";
  expected.password = "pw";
  EXPECT_EQ(decode_ok(wire, v311), packet(expected));
  EXPECT_EQ(encoded(expected, v311), wire);
}

// 5.0 section 3.1.2.11: the same flags, and Session Expiry Interval 10 as the only property.
TEST(Vectors, Connect5Example_3_1_2_11) {
  const bytes wire = packet_bytes(0x10, concat({{0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0xCE, 0x00,
                                                 0x0A, 0x05, 0x11, 0x00, 0x00, 0x00, 0x0A},
                                                str("cid"),
                                                {0x00},
                                                str("will/t"),
                                                str("bye"),
                                                str("user"),
                                                str("pw")}));
  connect_packet expected;
  expected.version = v5;
  expected.keep_alive = 10;
  expected.client_id = "cid";
  expected.will = will_message{"will/t", "bye", qos::at_least_once, false, {}};
  expected.username = "user";
  expected.password = "pw";
  expected.props.session_expiry_interval = 10;
  // The decoder was set to 3.1.1: a CONNECT names its own version.
  EXPECT_EQ(decode_ok(wire, v311), packet(expected));
  EXPECT_EQ(encoded(expected, v311), wire);
}

TEST(Vectors, Connect31UsesProtocolNameMQIsdp) {
  connect_packet p;
  p.version = v31;
  p.client_id = "x";
  const bytes wire = packet_bytes(
      0x10, concat({{0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p', 0x03, 0x02, 0x00, 0x00}, str("x")}));
  EXPECT_EQ(encoded(p, v31), wire);
  EXPECT_EQ(decode_ok(wire, v5), packet(p));
}

// 3.1.1 section 3.3.2.2 / 5.0 section 3.3.2: topic "a/b", packet identifier 10.
TEST(Vectors, PublishExampleVariableHeader) {
  publish_packet p{"a/b", "hi", qos::at_least_once, false, false, 10, {}};
  EXPECT_EQ(encoded(p, v311), (bytes{0x32, 0x09, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x0A, 'h', 'i'}));
  EXPECT_EQ(encoded(p, v5),
            (bytes{0x32, 0x0A, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x0A, 0x00, 'h', 'i'}));
  p.retain = true;
  p.dup = true;
  p.qos_level = qos::exactly_once;
  EXPECT_EQ(encoded(p, v311)[0], 0x3D);
}

TEST(Vectors, ConnackFor311CarriesReturnCode) {
  EXPECT_EQ(encoded(connack_packet{true, reason_code::success, {}}, v311),
            (bytes{0x20, 0x02, 0x01, 0x00}));
  EXPECT_EQ(encoded(connack_packet{false, reason_code::bad_user_name_or_password, {}}, v311),
            (bytes{0x20, 0x02, 0x00, 0x04}));
  EXPECT_EQ(encoded(connack_packet{false, reason_code::banned, {}}, v311),
            (bytes{0x20, 0x02, 0x00, 0x05}));
  EXPECT_EQ(encoded(connack_packet{false, reason_code::success, {}}, v5),
            (bytes{0x20, 0x03, 0x00, 0x00, 0x00}));
  properties p;
  p.topic_alias_maximum = 10;
  EXPECT_EQ(encoded(connack_packet{false, reason_code::success, p}, v5),
            (bytes{0x20, 0x06, 0x00, 0x00, 0x03, 0x22, 0x00, 0x0A}));
}

TEST(Vectors, AcksUseTheShortestForm_MQTT_3_4_2) {
  EXPECT_EQ(encoded(puback_packet{7, reason_code::success, {}}, v5),
            (bytes{0x40, 0x02, 0x00, 0x07}));
  EXPECT_EQ(encoded(pubrec_packet{7, reason_code::no_matching_subscribers, {}}, v5),
            (bytes{0x50, 0x03, 0x00, 0x07, 0x10}));
  EXPECT_EQ(encoded(pubrel_packet{7, reason_code::success, {}}, v311),
            (bytes{0x62, 0x02, 0x00, 0x07}));
  EXPECT_EQ(encoded(pubcomp_packet{7, reason_code::packet_identifier_not_found, {}}, v311),
            (bytes{0x70, 0x02, 0x00, 0x07}));
  properties p;
  p.reason_string = "r";
  EXPECT_EQ(encoded(puback_packet{7, reason_code::success, p}, v5),
            (bytes{0x40, 0x08, 0x00, 0x07, 0x00, 0x04, 0x1F, 0x00, 0x01, 'r'}));
}

TEST(Vectors, AcksWithRemainingLength3And2Decode) {
  EXPECT_EQ(decode_ok(bytes{0x40, 0x03, 0x00, 0x07, 0x00}, v5),
            packet(puback_packet{7, reason_code::success, {}}));
  EXPECT_EQ(decode_ok(bytes{0x40, 0x04, 0x00, 0x07, 0x10, 0x00}, v5),
            packet(puback_packet{7, reason_code::no_matching_subscribers, {}}));
}

TEST(Vectors, SubscribeAndSuback) {
  subscribe_packet s{10, {{"a/b", {qos::at_least_once}}, {"c/d", {qos::exactly_once}}}, {}};
  EXPECT_EQ(encoded(s, v311),
            packet_bytes(0x82, concat({{0x00, 0x0A}, str("a/b"), {0x01}, str("c/d"), {0x02}})));
  s.subscriptions[0].options = {qos::at_least_once, true, true, 2};
  EXPECT_EQ(
      encoded(s, v5),
      packet_bytes(0x82, concat({{0x00, 0x0A, 0x00}, str("a/b"), {0x2D}, str("c/d"), {0x02}})));
  // A 5.0 failure code becomes 0x80 for 3.1.1 [MQTT-3.9.3-2].
  const suback_packet ack{
      10,
      {reason_code::granted_qos_1, reason_code::topic_filter_invalid, reason_code::granted_qos_2},
      {}};
  EXPECT_EQ(encoded(ack, v311), (bytes{0x90, 0x05, 0x00, 0x0A, 0x01, 0x80, 0x02}));
  EXPECT_EQ(encoded(ack, v5), (bytes{0x90, 0x06, 0x00, 0x0A, 0x00, 0x01, 0x8F, 0x02}));
}

TEST(Vectors, UnsubscribeAndUnsuback) {
  const unsubscribe_packet u{3, {"a/b"}, {}};
  EXPECT_EQ(encoded(u, v311), packet_bytes(0xA2, concat({{0x00, 0x03}, str("a/b")})));
  const unsuback_packet ack{3, {reason_code::no_subscription_existed}, {}};
  EXPECT_EQ(encoded(ack, v311), (bytes{0xB0, 0x02, 0x00, 0x03}));  // no payload before 5.0
  EXPECT_EQ(encoded(ack, v5), (bytes{0xB0, 0x04, 0x00, 0x03, 0x00, 0x11}));
}

TEST(Vectors, PingAndDisconnect) {
  EXPECT_EQ(encoded(pingreq_packet{}, v311), (bytes{0xC0, 0x00}));
  EXPECT_EQ(encoded(pingresp_packet{}, v5), (bytes{0xD0, 0x00}));
  EXPECT_EQ(encoded(disconnect_packet{}, v5), (bytes{0xE0, 0x00}));
  EXPECT_EQ(encoded(disconnect_packet{reason_code::server_shutting_down, {}}, v5),
            (bytes{0xE0, 0x01, 0x8B}));
  EXPECT_EQ(encoded(disconnect_packet{reason_code::server_shutting_down, {}}, v311),
            (bytes{0xE0, 0x00}));
}

TEST(Vectors, AuthIsNotEncodedBefore5) {
  EXPECT_EQ(encoded(auth_packet{}, v5), (bytes{0xF0, 0x00}));
  EXPECT_EQ(encoded(auth_packet{reason_code::continue_authentication, {}}, v5),
            (bytes{0xF0, 0x02, 0x18, 0x00}));
  EXPECT_TRUE(encoded(auth_packet{reason_code::continue_authentication, {}}, v311).empty());
  EXPECT_EQ(encoded_size(auth_packet{}, v311), 0u);
}

TEST(Vectors, PropertiesAreWrittenInIdentifierOrderWithTheirTypes) {
  properties p;
  p.payload_format_indicator = 1;
  p.message_expiry_interval = 0x01020304;
  p.subscription_identifiers = {128};
  p.topic_alias = 0x0102;
  p.user_properties = {{"a", "b"}};
  const publish_packet pub{"t", "", qos::at_most_once, false, false, 0, p};
  const bytes props{0x01, 0x01, 0x02, 0x01, 0x02, 0x03, 0x04, 0x0B, 0x80, 0x01,
                    0x23, 0x01, 0x02, 0x26, 0x00, 0x01, 'a',  0x00, 0x01, 'b'};
  EXPECT_EQ(
      encoded(pub, v5),
      packet_bytes(0x30, concat({str("t"), {static_cast<std::uint8_t>(props.size())}, props})));
}

}  // namespace
}  // namespace telemq::protocol::test
