// Daemon behaviour around the protocol: orderly shutdown, and the descriptor table it prepares.
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <string>

#include "fixture/broker_test.hpp"

namespace telemq::integration {
namespace {

using Server = broker_test;

constexpr auto io_timeout = std::chrono::milliseconds(wait_timeout);

raw_client connect_raw(broker_test& test, std::uint8_t level, const std::string& client_id) {
  auto client = test.open_raw();
  wire::connect_fields fields;
  fields.protocol_level = level;
  fields.client_id = client_id;
  auto connack = client.handshake(fields, io_timeout);
  if (!connack || connack->code != 0) {
    ADD_FAILURE() << "CONNECT of " << client_id << " failed: " << client.error();
  }
  return client;
}

// SIGTERM is the orderly stop: every connection is closed and the process exits with 0.
TEST_F(Server, SigtermClosesConnectionsAndExitsZero) {
  auto v5 = connect_raw(*this, 5, "modern");
  auto v311 = connect_raw(*this, 4, "classic");
  broker().send_signal(SIGTERM);

  std::vector<wire::packet> seen_v311;
  EXPECT_TRUE(v311.wait_closed(io_timeout, &seen_v311)) << "3.1.1 connection left open";
  EXPECT_TRUE(seen_v311.empty()) << "3.1.1 has no DISCONNECT from the server";
  EXPECT_TRUE(v5.wait_closed(io_timeout)) << "v5 connection left open";

  auto status = broker().wait_exit(std::chrono::seconds(20));
  ASSERT_TRUE(status.has_value()) << "the broker did not exit within 20 s of SIGTERM";
  EXPECT_TRUE(status->clean()) << "exit after SIGTERM: " << status->describe();
}

// v5 clients are told why they are being dropped (3.14.2.1: 0x8B Server shutting down).
TEST_F(Server, SigtermSendsServerShuttingDown0x8B_V5_MQTT_3_14_2_1) {
  TELEMQ_SKIP_IF_BROKER_LACKS("disconnect_on_shutdown", "closes without DISCONNECT 0x8B");
  auto v5 = connect_raw(*this, 5, "modern");
  broker().send_signal(SIGTERM);
  std::vector<wire::packet> seen;
  EXPECT_TRUE(v5.wait_closed(io_timeout, &seen)) << "v5 connection not closed on SIGTERM";
  ASSERT_EQ(seen.size(), 1u) << "expected exactly one DISCONNECT before the close";
  EXPECT_EQ(seen[0].type(), wire::disconnect);
  EXPECT_EQ(wire::disconnect_reason(seen[0]), 0x8B) << "Server shutting down";
  auto status = broker().wait_exit(std::chrono::seconds(20));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->clean()) << status->describe();
}

// FDSize in /proc/PID/status: the slots of the process's descriptor table.
std::optional<std::size_t> descriptor_table_slots(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("FDSize:")) {
      return std::stoul(line.substr(7));
    }
  }
  return std::nullopt;
}

// The broker inherits the test's hard limit and raises its soft limit to it.
std::size_t hard_descriptor_limit() {
  rlimit limit{};
  EXPECT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  return limit.rlim_max;
}

// Grown at start-up, before the broker has threads: grown later, each doubling would stall an
// accept() for an RCU grace period. Unlimited connections reserve 65,536 slots.
TEST_F(Server, DescriptorTableIsGrownBeforeTheFirstConnection) {
  TELEMQ_SKIP_UNLESS_TELEMQ("telemq's descriptor table reservation");
  const auto slots = descriptor_table_slots(broker().pid());
  ASSERT_TRUE(slots.has_value());
  EXPECT_GE(*slots, std::min<std::size_t>(hard_descriptor_limit(), 65'536));
}

class ServerWithConnectionLimit : public broker_test {
 protected:
  std::vector<std::string> broker_args() const override { return {"--max-connections", "1000"}; }
};

// max_connections says how many descriptors the broker will need: its table is grown for those
// and a few more, not for the default 65,536.
TEST_F(ServerWithConnectionLimit, DescriptorTableIsSizedByMaxConnections) {
  TELEMQ_SKIP_UNLESS_TELEMQ("telemq's descriptor table reservation");
  const auto slots = descriptor_table_slots(broker().pid());
  ASSERT_TRUE(slots.has_value());
  const std::size_t limit = hard_descriptor_limit();
  EXPECT_GE(*slots, std::min<std::size_t>(limit, 1'000));
  if (limit >= 65'536) {
    EXPECT_LT(*slots, 65'536);
  }
}

}  // namespace
}  // namespace telemq::integration
