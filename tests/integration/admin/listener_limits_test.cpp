// Per-listener connection limits against the real daemon: max_connections and
// max_connection_rate of a [[listener]] refuse connections right after accept (the client sees
// the socket close before any byte), count the refusals per listener and reason in /metrics, log
// them without flooding, and leave the broker serving everyone else.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "admin_test_support.hpp"
#include "exposition_check.hpp"
#include "fixture/raw_client.hpp"

namespace telemq::integration {
namespace {

using namespace std::chrono_literals;

constexpr auto limited = "mqtt://127.0.0.1:0";
// A second listener without limits of its own: 127.0.0.2 is loopback too, and its own host lets
// both listeners ask for port 0.
constexpr auto other = "mqtt://127.0.0.2:0";

daemon_settings limited_listener(const std::string& keys) {
  daemon_settings settings;
  settings.listener_toml = keys;
  settings.extra_toml = std::string("[[listener]]\nurl = \"") + other + "\"\n";
  return settings;
}

// Counts the lines of text holding needle.
std::size_t lines_with(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

class ListenerLimitsTest : public AdminTest {
 protected:
  explicit ListenerLimitsTest(const std::string& keys) : AdminTest(limited_listener(keys)) {}

  // The value of the sample `name{listener="URL"[,reason="REASON"]}`; nothing when absent.
  std::optional<double> sample(const std::string& name, const std::string& listener,
                               const std::string& reason = "") {
    std::string key = name + "{listener=\"" + listener + "\"";
    if (!reason.empty()) {
      key += ",reason=\"" + reason + "\"";
    }
    key += "} ";
    const std::string body = metrics();
    const auto at = body.find("\n" + key);
    if (at == std::string::npos) {
      return std::nullopt;
    }
    return std::stod(body.substr(at + 1 + key.size()));
  }

  // Connects and completes CONNECT; whether the broker answered with CONNACK 0.
  static bool serves(raw_client& client, std::uint16_t port, const std::string& address,
                     const std::string& client_id) {
    if (!client.open(port, address)) {
      return false;
    }
    const auto connack = client.handshake({.client_id = client_id}, 10s);
    return connack && connack->code == 0;
  }

  // Whether the broker closed the connection without sending anything.
  static bool closed_unheard(raw_client& client, std::chrono::milliseconds timeout) {
    std::vector<wire::packet> seen;
    return client.wait_closed(timeout, &seen) && seen.empty();
  }

  std::uint16_t limited_port() const { return daemon.listener_port_of(limited); }
  std::uint16_t other_port() const { return daemon.listener_port_of(other); }
};

class ListenerMaxConnections : public ListenerLimitsTest {
 protected:
  ListenerMaxConnections() : ListenerLimitsTest("max_connections = 3\n") {}
};

TEST_F(ListenerMaxConnections, TheConnectionBeyondTheLimitIsClosedRightAfterAccept) {
  ASSERT_NE(limited_port(), 0) << daemon.log();
  ASSERT_NE(other_port(), 0) << daemon.log();
  std::vector<raw_client> admitted(3);
  for (std::size_t i = 0; i < admitted.size(); ++i) {
    ASSERT_TRUE(serves(admitted[i], limited_port(), "127.0.0.1", "admitted-" + std::to_string(i)))
        << daemon.log();
  }

  // The TCP connect succeeds (the kernel's backlog), then the broker closes it unheard: no
  // CONNACK, no MQTT, the connect timeout not awaited.
  raw_client extra;
  ASSERT_TRUE(extra.open(limited_port())) << extra.error();
  EXPECT_TRUE(closed_unheard(extra, 5s)) << daemon.log();

  // Another listener is not bound by this one's limit.
  raw_client elsewhere;
  EXPECT_TRUE(serves(elsewhere, other_port(), "127.0.0.2", "elsewhere")) << daemon.log();

  const std::string body = metrics();
  admin::testing::expect_valid_exposition(body);
  EXPECT_EQ(
      sample("telemq_listener_connections_refused_total", limited, "listener_max_connections"), 1.0)
      << body;
  EXPECT_EQ(sample("telemq_listener_connections_refused_total", limited, "max_connection_rate"),
            0.0);
  EXPECT_EQ(sample("telemq_listener_connections_refused_total", other, "listener_max_connections"),
            0.0);
  EXPECT_EQ(sample("telemq_listener_open_connections", limited), 3.0) << body;
  EXPECT_EQ(sample("telemq_listener_open_connections", other), 1.0) << body;
  EXPECT_EQ(sample("telemq_listener_connections_accepted_total", limited), 3.0) << body;
  EXPECT_EQ(sample("telemq_listener_connections", limited), 3.0) << body;

  const auto status = ctl_json({"status"});
  ASSERT_EQ(status.at("listeners").size(), 2U) << status.dump();
  const auto& first = status.at("listeners").at(0);
  EXPECT_EQ(first.at("url"), limited);
  EXPECT_EQ(first.at("open_connections"), 3);
  EXPECT_EQ(first.at("refused").at("listener_max_connections"), 1);

  EXPECT_EQ(lines_with(daemon.log(),
                       "event=connection_refused reason=listener_max_connections "
                       "listener=mqtt://127.0.0.1:0 remote=127.0.0.1:"),
            1U)
      << daemon.log();

  // A place freed is a place taken again.
  admitted[0].close();
  ASSERT_TRUE(eventually([&] {
    return sample("telemq_listener_open_connections", limited) == 2.0;
  })) << metrics();
  raw_client next;
  EXPECT_TRUE(serves(next, limited_port(), "127.0.0.1", "next")) << daemon.log();
}

class ListenerConnectionRate : public ListenerLimitsTest {
 protected:
  // One a second, so a burst of one.
  ListenerConnectionRate() : ListenerLimitsTest("max_connection_rate = 1\n") {}
};

TEST_F(ListenerConnectionRate, ConnectionsFasterThanTheRateAreClosedRightAfterAccept) {
  ASSERT_NE(limited_port(), 0) << daemon.log();
  constexpr std::size_t attempts = 5;
  std::vector<raw_client> clients(attempts);
  for (auto& client : clients) {
    ASSERT_TRUE(client.open(limited_port())) << client.error();
  }
  // Every one accepted or refused by now.
  ASSERT_TRUE(eventually([&] {
    const auto accepted = sample("telemq_listener_connections_accepted_total", limited);
    const auto refused =
        sample("telemq_listener_connections_refused_total", limited, "max_connection_rate");
    return accepted && refused && *accepted + *refused == attempts;
  })) << metrics();
  const double refused =
      *sample("telemq_listener_connections_refused_total", limited, "max_connection_rate");
  // All five arrive within milliseconds: one is let through, or two on a machine so slow that a
  // second went by between two accepts.
  EXPECT_GE(refused, attempts - 2.0);
  EXPECT_EQ(sample("telemq_listener_connections_refused_total", limited, "max_connections"), 0.0);

  std::size_t closed = 0;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    if (closed_unheard(clients[i], 1s)) {
      ++closed;
      continue;
    }
    // Admitted: it is served.
    const auto connack = clients[i].handshake({.client_id = "fast-" + std::to_string(i)}, 10s);
    ASSERT_TRUE(connack) << daemon.log();
    EXPECT_EQ(connack->code, 0);
  }
  EXPECT_EQ(static_cast<double>(closed), refused);

  // The refusals came in a burst: one log line tells of the first, the next line (ten seconds
  // on) of how many were not logged.
  EXPECT_EQ(lines_with(daemon.log(),
                       "event=connection_refused reason=max_connection_rate "
                       "listener=mqtt://127.0.0.1:0"),
            1U)
      << daemon.log();

  // Other listeners are not limited, and this one takes a connection again once a token is back.
  raw_client elsewhere;
  EXPECT_TRUE(serves(elsewhere, other_port(), "127.0.0.2", "elsewhere")) << daemon.log();
  raw_client later;
  EXPECT_TRUE(eventually([&] {
    std::this_thread::sleep_for(200ms);
    return serves(later, limited_port(), "127.0.0.1", "later");
  })) << daemon.log();
}

}  // namespace
}  // namespace telemq::integration
