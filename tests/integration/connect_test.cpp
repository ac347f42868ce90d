// CONNECT handling seen from a raw socket: the byte-exact answers the spec requires.
#include "fixture/broker_test.hpp"

namespace telemq::integration {
namespace {

using namespace std::chrono_literals;
using Connect = broker_test;
using steady = std::chrono::steady_clock;

constexpr auto close_timeout = std::chrono::milliseconds(wait_timeout);

std::string packet_types(const std::vector<wire::packet>& packets) {
  std::string out;
  for (const auto& p : packets) {
    out += std::to_string(p.type()) + " ";
  }
  return out.empty() ? "none" : out;
}

TEST_F(Connect, UnsupportedProtocolLevelGetsConnack0x01ThenClose_MQTT_3_1_2_2) {
  auto client = open_raw();
  wire::connect_fields fields;
  fields.protocol_level = 6;
  fields.client_id = "level6";
  ASSERT_TRUE(client.send(wire::encode_connect(fields)));

  auto reply = client.read_packet(close_timeout);
  ASSERT_EQ(reply.status, raw_client::read_status::packet)
      << "expected CONNACK 0x01 (unacceptable protocol level) before the close";
  ASSERT_EQ(reply.packet.first_byte, 0x20) << "CONNACK";
  EXPECT_EQ(reply.packet.body, (wire::bytes{0x00, 0x01}))
      << "3.1.1-shaped CONNACK: session present 0, return code 0x01";
  EXPECT_TRUE(client.wait_closed(close_timeout)) << "the broker must close after refusing";
}

TEST_F(Connect, FirstPacketNotConnectCloses_MQTT_3_1_0_1) {
  auto client = open_raw();
  ASSERT_TRUE(client.send(wire::encode_subscribe(4, 1, "t", 0)));
  std::vector<wire::packet> seen;
  EXPECT_TRUE(client.wait_closed(close_timeout, &seen))
      << "a SUBSCRIBE before CONNECT must close the connection";
  EXPECT_TRUE(seen.empty()) << "nothing may be answered to it; got packet types "
                            << packet_types(seen);
}

void check_second_connect_closes(broker_test& test, std::uint8_t level) {
  auto client = test.open_raw();
  wire::connect_fields fields;
  fields.protocol_level = level;
  fields.client_id = "twice";
  auto connack = client.handshake(fields, close_timeout);
  ASSERT_TRUE(connack) << client.error();
  ASSERT_EQ(connack->code, 0x00);

  ASSERT_TRUE(client.send(wire::encode_connect(fields)));
  std::vector<wire::packet> seen;
  ASSERT_TRUE(client.wait_closed(close_timeout, &seen))
      << "a second CONNECT is a protocol violation and must close the connection";
  for (const auto& p : seen) {
    EXPECT_NE(p.type(), wire::connack) << "the second CONNECT must not be answered";
    if (level == 5 && p.type() == wire::disconnect) {
      EXPECT_EQ(wire::disconnect_reason(p), 0x82) << "if a DISCONNECT is sent: Protocol Error";
    }
  }
}

TEST_F(Connect, SecondConnectCloses_V311_MQTT_3_1_0_2) {
  check_second_connect_closes(*this, 4);
}
TEST_F(Connect, SecondConnectCloses_V5_MQTT_3_1_0_2) {
  check_second_connect_closes(*this, 5);
}

TEST_F(Connect, EmptyClientIdWithCleanSession0RejectedWith0x02_MQTT_3_1_3_8) {
  auto client = open_raw();
  wire::connect_fields fields;
  fields.protocol_level = 4;
  fields.client_id = "";
  fields.clean = false;
  ASSERT_TRUE(client.send(wire::encode_connect(fields)));
  auto reply = client.read_packet(close_timeout);
  ASSERT_EQ(reply.status, raw_client::read_status::packet) << "expected CONNACK 0x02";
  ASSERT_EQ(reply.packet.first_byte, 0x20);
  EXPECT_EQ(reply.packet.body, (wire::bytes{0x00, 0x02}))
      << "return code 0x02, identifier rejected, session present 0";
  EXPECT_TRUE(client.wait_closed(close_timeout));
}

TEST_F(Connect, EmptyClientIdWithCleanSession1IsAccepted_MQTT_3_1_3_6) {
  auto client = open_raw();
  wire::connect_fields fields;
  fields.protocol_level = 4;
  fields.client_id = "";
  fields.clean = true;
  auto connack = client.handshake(fields, close_timeout);
  ASSERT_TRUE(connack) << client.error();
  EXPECT_EQ(connack->code, 0x00);
  EXPECT_FALSE(connack->session_present);
}

TEST_F(Connect, EmptyClientIdGetsAssignedClientIdentifier_V5_MQTT_3_2_2_16) {
  std::vector<std::string> assigned;
  std::vector<raw_client> clients;
  for (int i = 0; i < 2; ++i) {
    clients.push_back(open_raw());
    wire::connect_fields fields;
    fields.protocol_level = 5;
    fields.client_id = "";
    fields.clean = true;
    auto connack = clients.back().handshake(fields, close_timeout);
    ASSERT_TRUE(connack) << clients.back().error();
    ASSERT_EQ(connack->code, 0x00) << "v5 with Clean Start must accept an empty client id";
    EXPECT_FALSE(connack->session_present);
    const auto* id = connack->find(wire::assigned_client_identifier);
    ASSERT_NE(id, nullptr) << "CONNACK must carry an Assigned Client Identifier";
    EXPECT_FALSE(id->text.empty());
    assigned.push_back(id->text);
  }
  EXPECT_NE(assigned[0], assigned[1]) << "each assigned identifier must be unique";
  // Both connections stay usable.
  for (auto& client : clients) {
    ASSERT_TRUE(client.send(wire::encode_pingreq()));
    auto reply = client.read_packet(close_timeout);
    ASSERT_EQ(reply.status, raw_client::read_status::packet);
    EXPECT_EQ(reply.packet.first_byte, 0xD0) << "PINGRESP";
  }
}

TEST_F(Connect, PingreqAnsweredWithPingresp_MQTT_3_12_4_1) {
  auto client = open_raw();
  wire::connect_fields fields;
  fields.client_id = "pinger";
  ASSERT_TRUE(client.handshake(fields, close_timeout)) << client.error();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.send(wire::encode_pingreq()));
    auto reply = client.read_packet(close_timeout);
    ASSERT_EQ(reply.status, raw_client::read_status::packet);
    EXPECT_EQ(reply.packet.first_byte, 0xD0);
    EXPECT_TRUE(reply.packet.body.empty());
  }
}

// With Keep Alive 1 s and silence the broker must drop the connection after 1.5 s. Lower bound 1 s
// (nothing may close a healthy connection early), upper bound 5 s (generous for a loaded box).
void check_keep_alive(broker_test& test, std::uint8_t level) {
  TELEMQ_SKIP_IF_BROKER_LACKS("prompt_keep_alive", "closes idle clients only on a coarse timer");
  auto client = test.open_raw();
  wire::connect_fields fields;
  fields.protocol_level = level;
  fields.client_id = "sleepy";
  fields.keep_alive = 1;
  auto connack = client.handshake(fields, close_timeout);
  ASSERT_TRUE(connack) << client.error();
  ASSERT_EQ(connack->code, 0x00);
  double keep_alive = 1.0;
  if (const auto* server_keep_alive = connack->find(wire::server_keep_alive)) {
    // v5 lets the server impose its own value; the rule then applies to that value.
    keep_alive = server_keep_alive->number;
    if (keep_alive == 0 || keep_alive > 3) {
      GTEST_SKIP() << "server imposed Server Keep Alive " << keep_alive << " s";
    }
  }
  const auto connected_at = steady::now();
  std::vector<wire::packet> seen;
  ASSERT_TRUE(client.wait_closed(std::chrono::milliseconds(5000), &seen))
      << "connection still open 5 s after the last packet with Keep Alive " << keep_alive << " s";
  const double elapsed = std::chrono::duration<double>(steady::now() - connected_at).count();
  EXPECT_GE(elapsed, keep_alive) << "closed before one Keep Alive period passed";
  EXPECT_LE(elapsed, 5.0);
  for (const auto& p : seen) {
    if (p.type() == wire::disconnect) {
      EXPECT_EQ(wire::disconnect_reason(p), 0x8D) << "if a DISCONNECT is sent: Keep Alive timeout";
    } else {
      ADD_FAILURE() << "unexpected packet type " << int(p.type()) << " before the close";
    }
  }
}

TEST_F(Connect, KeepAliveSilenceClosesConnection_V311_MQTT_3_1_2_24) {
  check_keep_alive(*this, 4);
}
TEST_F(Connect, KeepAliveSilenceClosesConnection_V5_MQTT_3_1_2_22) {
  check_keep_alive(*this, 5);
}

// The other half of the rule: a client that pings every 0.5 s with Keep Alive 1 s stays
// connected well past 1.5 periods.
TEST_F(Connect, PingsKeepConnectionAlive_MQTT_3_1_2_24) {
  auto client = open_raw();
  wire::connect_fields fields;
  fields.client_id = "alive";
  fields.keep_alive = 1;
  ASSERT_TRUE(client.handshake(fields, close_timeout)) << client.error();
  const auto until = steady::now() + 3s;
  while (steady::now() < until) {
    ASSERT_TRUE(client.send(wire::encode_pingreq())) << client.error();
    const auto next_ping = steady::now() + 500ms;
    for (auto now = steady::now(); now < next_ping; now = steady::now()) {
      auto reply = client.read_packet(
          std::chrono::duration_cast<std::chrono::milliseconds>(next_ping - now));
      ASSERT_NE(reply.status, raw_client::read_status::closed)
          << "closed although a PINGREQ arrived every 0.5 s";
    }
  }
}

}  // namespace
}  // namespace telemq::integration
