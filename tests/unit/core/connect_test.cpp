// CONNECT, CONNACK, keep alive and session takeover (MQTT 5.0 section 3.1 / 3.1.1 section 3.1).
#include "core_harness.hpp"

namespace telemq::core::testing {
namespace {

TEST(Connect, FirstPacketMustBeConnect_MQTT_3_1_0_1) {
  harness h;
  client c(h);
  c.send(pingreq_packet{});
  EXPECT_TRUE(c.closed());
  EXPECT_TRUE(c.nothing_received());
}

TEST(Connect, FirstByteOtherThanConnectClosesAtOnce_MQTT_3_1_0_1) {
  harness h;
  client c(h);
  // An HTTP request on the MQTT port: 'G' reads as the start of a PUBACK whose Remaining
  // Length would ask for more bytes; nothing more is waited for.
  const std::string http = "GET / HTTP/1.1";
  c.send_bytes(std::vector<std::uint8_t>(http.begin(), http.begin() + 1));
  EXPECT_TRUE(c.closed());
  EXPECT_TRUE(c.nothing_received());
}

TEST(Connect, ConnectArrivingByteByByteIsAccepted) {
  harness h;
  client c(h, protocol_version::v3_1_1);
  connect_packet connect;
  connect.version = protocol_version::v3_1_1;
  connect.client_id = "slow";
  std::vector<std::uint8_t> wire;
  protocol::encode(connect, protocol_version::v3_1_1, wire);
  for (const std::uint8_t b : wire) {
    EXPECT_FALSE(c.closed());
    c.send_bytes(std::vector<std::uint8_t>{b});
  }
  EXPECT_EQ(c.expect<connack_packet>().reason, reason_code::success);
}

TEST(Connect, SecondConnectIsProtocolError_MQTT_3_1_0_2) {
  harness h;
  client c(h);
  c.connect("a");
  connect_packet again;
  again.version = protocol_version::v5;
  again.client_id = "a";
  c.send(again);
  EXPECT_EQ(c.expect<disconnect_packet>().reason, reason_code::protocol_error);
  EXPECT_TRUE(c.closed());
}

TEST(Connect, UnsupportedProtocolLevelGetsReturnCode1_MQTT_3_1_2_2) {
  harness h;
  client c(h, protocol_version::v3_1_1);
  // CONNECT with protocol name MQTT and level 9.
  const std::vector<std::uint8_t> bytes{0x10, 0x0D, 0x00, 0x04, 'M',  'Q',  'T', 'T',
                                        0x09, 0x02, 0x00, 0x3C, 0x00, 0x01, 'x'};
  c.send_bytes(bytes);
  auto ack = c.expect<connack_packet>();
  EXPECT_EQ(to_connect_return_code(ack.reason), connect_return_code::unacceptable_protocol_version);
  EXPECT_TRUE(c.closed());
}

TEST(Connect, EmptyClientIdWithoutCleanSessionRefused_MQTT_3_1_3_8) {
  harness h;
  client c(h, protocol_version::v3_1_1);
  connect_packet p;
  p.clean_start = false;
  c.send(p);
  EXPECT_EQ(to_connect_return_code(c.expect<connack_packet>().reason),
            connect_return_code::identifier_rejected);
  EXPECT_TRUE(c.closed());
}

TEST(Connect, EmptyClientIdIsAssignedAndReturned_MQTT_3_1_3_7) {
  harness h;
  client c(h);
  auto ack = c.connect("");
  ASSERT_TRUE(ack.props.assigned_client_identifier);
  EXPECT_FALSE(ack.props.assigned_client_identifier->empty());
  EXPECT_EQ(c.conn().client_id(), *ack.props.assigned_client_identifier);
}

TEST(Connect, ConnackAdvertisesLimits) {
  broker_limits limits;
  limits.receive_maximum = 50;
  limits.topic_alias_maximum = 7;
  limits.max_packet_size = 4096;
  harness h(limits);
  client c(h);
  auto ack = c.connect("a");
  EXPECT_EQ(ack.props.receive_maximum, 50);
  EXPECT_EQ(ack.props.topic_alias_maximum, 7);
  EXPECT_EQ(ack.props.maximum_packet_size, 4096u);
}

TEST(Connect, TimeoutWhenNoConnectArrives) {
  harness h;
  client c(h);
  h.advance(9s);
  EXPECT_FALSE(c.closed());
  h.advance(2s);
  EXPECT_TRUE(c.closed());
}

// A TLS handshake ran before the core was opened: the handshake and the CONNECT share one
// connect timeout, counted from the accept.
TEST(Connect, TimeoutCountsFromTheAcceptWhenTheTransportStartedFirst) {
  harness h;
  fake_link link;
  connection_info info{"127.0.0.1:5555", "mqtts://test", true, ""};
  info.accepted_at = h.now - 8s;
  auto opened = h.engine.open(link, std::move(info), h.now);
  h.advance(1s);
  EXPECT_FALSE(link.closed);
  h.advance(2s);
  EXPECT_TRUE(link.closed) << "8 s of handshake and 3 s without CONNECT exceed the 10 s timeout";
  opened->on_closed(h.now);
}

TEST(KeepAlive, ClosedAfterOneAndAHalfPeriods_MQTT_3_1_2_24) {
  harness h;
  client c(h);
  c.connect("a", true, std::nullopt, std::nullopt, 10);
  h.advance(14s);
  EXPECT_FALSE(c.closed());
  c.send(pingreq_packet{});
  c.expect<pingresp_packet>();
  h.advance(14s);
  EXPECT_FALSE(c.closed());
  h.advance(2s);
  EXPECT_EQ(c.expect<disconnect_packet>().reason, reason_code::keep_alive_timeout);
  EXPECT_TRUE(c.closed());
}

TEST(KeepAlive, ServerKeepAliveWhenClientAsksMore_MQTT_3_2_2_21) {
  broker_limits limits;
  limits.max_keep_alive = 30;
  harness h(limits);
  client c(h);
  auto ack = c.connect("a", true, std::nullopt, std::nullopt, 600);
  EXPECT_EQ(ack.props.server_keep_alive, 30);
}

TEST(Takeover, OldConnectionGetsSessionTakenOver_MQTT_3_1_4_3) {
  harness h;
  client first(h);
  first.connect("same");
  client second(h);
  second.connect("same");
  EXPECT_EQ(first.expect<disconnect_packet>().reason, reason_code::session_taken_over);
  EXPECT_TRUE(first.closed());
  first.drop();
  second.subscribe("t");
  client pub(h);
  pub.connect("pub");
  pub.publish("t", "x");
  EXPECT_EQ(second.expect<publish_packet>().payload, "x");
}

TEST(Takeover, SessionPresentWhenResumed_MQTT_3_2_2_2) {
  harness h;
  client first(h);
  first.connect("s", false, 300);
  first.subscribe("t");
  first.send(disconnect_packet{});
  first.drop();
  client second(h);
  EXPECT_TRUE(second.connect("s", false, 300).session_present);
  client third(h);
  EXPECT_FALSE(third.connect("s", true, 300).session_present);
}

TEST(Logging, LinesBelowTheConfiguredLevelAreNotEvenHandedToTheSink) {
  harness h;
  h.engine.set_log_level(log_level::warn);
  client quiet(h);
  quiet.connect("quiet");
  EXPECT_TRUE(h.log.empty()) << h.log.front();

  h.engine.set_log_level(log_level::info);
  client chatty(h);
  chatty.connect("chatty");
  ASSERT_EQ(h.log.size(), 1u);
  EXPECT_NE(h.log[0].find("event=connected client_id=chatty"), std::string::npos) << h.log[0];
}

}  // namespace
}  // namespace telemq::core::testing
