#include "broker/admin/sys_topics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace telemq::admin {
namespace {

using namespace std::chrono_literals;

std::map<std::string, std::string> as_map(const std::vector<sys_value>& values) {
  std::map<std::string, std::string> m;
  for (const auto& v : values) {
    m[v.topic] = v.payload;
  }
  return m;
}

TEST(SysTopics, TheFirstUpdateHasMosquittosTopicsWithTheirFormats) {
  sys_topics sys("1.2.3");
  broker_figures f;
  f.uptime = 42s;
  f.stats.connections_current = 3;
  f.stats.connections_maximum = 5;
  f.stats.sessions_total = 7;
  f.stats.messages_received = 100;
  f.stats.messages_sent = 200;
  f.stats.bytes_received = 1000;
  f.stats.bytes_sent = 2000;
  f.stats.retained_messages = 4;
  f.stats.subscriptions = 6;
  f.stored_messages = 9;
  f.stored_message_bytes = 123;
  broker_loads loads;
  loads.messages_received.update(600, 60s);

  const auto m = as_map(sys.update(f, loads));
  EXPECT_EQ(m.at("$SYS/broker/version"), "telemq version 1.2.3");
  EXPECT_EQ(m.at("$SYS/broker/uptime"), "42 seconds");
  EXPECT_EQ(m.at("$SYS/broker/clients/connected"), "3");
  EXPECT_EQ(m.at("$SYS/broker/clients/disconnected"), "4");
  EXPECT_EQ(m.at("$SYS/broker/clients/total"), "7");
  EXPECT_EQ(m.at("$SYS/broker/clients/maximum"), "5");
  EXPECT_EQ(m.at("$SYS/broker/messages/received"), "100");
  EXPECT_EQ(m.at("$SYS/broker/messages/sent"), "200");
  EXPECT_EQ(m.at("$SYS/broker/bytes/received"), "1000");
  EXPECT_EQ(m.at("$SYS/broker/bytes/sent"), "2000");
  EXPECT_EQ(m.at("$SYS/broker/retained messages/count"), "4");
  EXPECT_EQ(m.at("$SYS/broker/subscriptions/count"), "6");
  EXPECT_EQ(m.at("$SYS/broker/store/messages/count"), "9");
  EXPECT_EQ(m.at("$SYS/broker/store/messages/bytes"), "123");
  // Per minute, two decimals: 10/s for a minute is 600/min * (1 - 1/e).
  EXPECT_EQ(m.at("$SYS/broker/load/messages/received/1min"), "379.27");
  for (const auto* name : {"messages/sent", "bytes/received", "bytes/sent", "connections"}) {
    for (const auto* window : {"1min", "5min", "15min"}) {
      EXPECT_EQ(m.at(std::string("$SYS/broker/load/") + name + "/" + window), "0.00");
    }
  }
}

TEST(SysTopics, LaterUpdatesCarryOnlyWhatChanged) {
  sys_topics sys("1.2.3");
  broker_figures f;
  broker_loads loads;
  f.uptime = 10s;
  sys.update(f, loads);

  f.uptime = 20s;
  f.stats.connections_current = 1;
  f.stats.connections_maximum = 1;
  f.stats.sessions_total = 1;
  const auto m = as_map(sys.update(f, loads));
  const std::map<std::string, std::string> expected = {
      {"$SYS/broker/uptime", "20 seconds"},
      {"$SYS/broker/clients/connected", "1"},
      {"$SYS/broker/clients/maximum", "1"},
      {"$SYS/broker/clients/total", "1"},
  };
  EXPECT_EQ(m, expected);

  f.uptime = 30s;
  EXPECT_EQ(as_map(sys.update(f, loads)),
            (std::map<std::string, std::string>{{"$SYS/broker/uptime", "30 seconds"}}));
}

}  // namespace
}  // namespace telemq::admin
