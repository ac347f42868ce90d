// What a hostile or broken client sends before and around CONNECT. Every test ends by checking
// that a well-behaved client is still served.
#include <gtest/gtest.h>

#include <thread>

#include "raw_connection.hpp"
#include "telemq_daemon.hpp"

namespace telemq::security_test {
namespace {

using namespace std::chrono_literals;
using wire::version;

void expect_serves_others(telemq_daemon& broker) {
  ASSERT_TRUE(broker.alive()) << broker.log();
  raw_connection good(broker.port());
  EXPECT_EQ(good.handshake({.client_id = "well-behaved"}), 0) << broker.log();
  ASSERT_TRUE(good.send(wire::pingreq()));
  const auto pong = good.read_packet();
  ASSERT_TRUE(pong) << broker.log();
  EXPECT_EQ(pong->type(), wire::pingresp);
}

daemon_options connect_timeout_of_one_second() {
  return {.config_toml = "[limits]\nconnect_timeout = 1\n"};
}

TEST(HostileInput, GarbageBeforeConnectIsClosed_MQTT_3_1_0_1) {
  telemq_daemon broker;
  const std::string http = "GET / HTTP/1.1\r\nHost: broker\r\n\r\n";
  raw_connection browser(broker.port());
  browser.send({reinterpret_cast<const std::uint8_t*>(http.data()), http.size()});
  raw_connection zeros(broker.port());
  zeros.send(std::vector<std::uint8_t>(64, 0));
  raw_connection ping_first(broker.port());
  ping_first.send(wire::pingreq());
  EXPECT_TRUE(browser.closed_within()) << broker.log();
  EXPECT_TRUE(zeros.closed_within()) << broker.log();
  EXPECT_TRUE(ping_first.closed_within()) << broker.log();
  expect_serves_others(broker);
}

TEST(HostileInput, ConnectNeverSentIsClosedAfterTheConnectTimeout) {
  telemq_daemon broker(connect_timeout_of_one_second());
  raw_connection silent(broker.port());
  EXPECT_TRUE(silent.closed_within()) << broker.log();
  expect_serves_others(broker);
}

TEST(HostileInput, SecondConnectIsClosed_MQTT_3_1_0_2) {
  telemq_daemon broker;
  raw_connection old(broker.port());
  ASSERT_EQ(old.handshake({.client_id = "twice"}), 0);
  old.send(wire::connect({.client_id = "twice"}));
  EXPECT_TRUE(old.closed_within()) << broker.log();

  raw_connection v5(broker.port());
  ASSERT_EQ(v5.handshake({.client_id = "twice5", .level = version::v5}), 0);
  v5.send(wire::connect({.client_id = "twice5", .level = version::v5}));
  const auto reply = v5.read_packet();
  ASSERT_TRUE(reply) << broker.log();
  EXPECT_EQ(reply->type(), wire::disconnect);
  EXPECT_EQ(wire::disconnect_code(*reply), 0x82);  // Protocol Error
  EXPECT_TRUE(v5.closed_within()) << broker.log();
  expect_serves_others(broker);
}

TEST(HostileInput, OversizedRemainingLengthIsRefusedBeforeTheBody) {
  telemq_daemon broker({.config_toml = "[limits]\nmax_packet_size = 65536\n"});
  // A CONNECT announcing 200 MB: the broker closes after these five bytes, without waiting for
  // (or buffering) a body that will never come.
  raw_connection huge_connect(broker.port());
  std::vector<std::uint8_t> header{0x10};
  const auto length = wire::varint(200'000'000);
  header.insert(header.end(), length.begin(), length.end());
  huge_connect.send(header);
  EXPECT_TRUE(huge_connect.closed_within()) << broker.log();

  // The same after CONNECT: 5.0 hears Packet Too Large first.
  raw_connection v5(broker.port());
  ASSERT_EQ(v5.handshake({.client_id = "big5", .level = version::v5}), 0);
  std::vector<std::uint8_t> publish{0x30};
  const auto two_mb = wire::varint(2'000'000);
  publish.insert(publish.end(), two_mb.begin(), two_mb.end());
  v5.send(publish);
  const auto reply = v5.read_packet();
  ASSERT_TRUE(reply) << broker.log();
  EXPECT_EQ(reply->type(), wire::disconnect);
  EXPECT_EQ(wire::disconnect_code(*reply), 0x95);  // Packet Too Large
  EXPECT_TRUE(v5.closed_within()) << broker.log();

  raw_connection v311(broker.port());
  ASSERT_EQ(v311.handshake({.client_id = "big"}), 0);
  v311.send(publish);
  EXPECT_TRUE(v311.closed_within()) << broker.log();
  expect_serves_others(broker);
}

TEST(HostileInput, SlowlorisIsClosedByTheConnectTimeout) {
  telemq_daemon broker(connect_timeout_of_one_second());
  // A CONNECT trickled at a byte a second would take a minute; the connect timeout counts from
  // the accept, not from the last byte.
  const auto connect = wire::connect({.client_id = std::string(50, 's')});
  raw_connection slow(broker.port());
  bool closed = false;
  for (std::size_t i = 0; i < connect.size() && i < 15 && !closed; ++i) {
    if (!slow.send(std::span(connect).subspan(i, 1))) {
      closed = true;
      break;
    }
    closed = slow.closed_within(1s);
  }
  EXPECT_TRUE(closed || slow.closed_within()) << broker.log();
  expect_serves_others(broker);
}

TEST(HostileInput, V5ClientExceedingReceiveMaximumIsDisconnected_MQTT_3_3_4_9) {
  // Retained QoS 1 messages wait for the store before their PUBACK, so ten sent at once are ten
  // unacknowledged publishes, above a Receive Maximum of 2.
  telemq_daemon broker({.config_toml = "[limits]\nreceive_maximum = 2\n", .durability = "process"});
  raw_connection greedy(broker.port());
  ASSERT_EQ(greedy.handshake({.client_id = "greedy", .level = version::v5}), 0);
  std::vector<std::uint8_t> burst;
  for (std::uint16_t id = 1; id <= 10; ++id) {
    const auto p = wire::publish("greedy/" + std::to_string(id), "x", 1, id, version::v5, true);
    burst.insert(burst.end(), p.begin(), p.end());
  }
  greedy.send(burst);
  std::optional<std::uint8_t> disconnect;
  for (int i = 0; i < 12 && !disconnect; ++i) {
    const auto reply = greedy.read_packet();
    if (!reply) {
      break;
    }
    if (reply->type() == wire::disconnect) {
      disconnect = wire::disconnect_code(*reply);
    }
  }
  EXPECT_EQ(disconnect, 0x93) << broker.log();  // Receive Maximum exceeded
  EXPECT_TRUE(greedy.closed_within()) << broker.log();
  expect_serves_others(broker);
}

}  // namespace
}  // namespace telemq::security_test
