// The durability contract of docs/durability.md, end to end: the broker is killed with SIGKILL
// at random moments while publishers send at full speed to persistent sessions that are
// offline; after each restart on the same data folder, every message whose PUBACK or PUBREC the
// publisher saw must reach its subscriber, QoS 2 messages exactly once, and every acknowledged
// retained message must be there.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "fixture/broker_process.hpp"
#include "mqtt_wire_client.hpp"

namespace telemq::integration {
namespace {

using namespace std::chrono_literals;
using protocol::qos;

constexpr int crash_cycles = 6;
constexpr std::size_t window = 200;  // QoS 1/2 PUBLISH in flight per publisher

protocol::connect_packet session_connect(const std::string& id, bool clean) {
  protocol::connect_packet p;
  p.client_id = id;
  p.clean_start = clean;
  p.keep_alive = 60;
  p.props.session_expiry_interval = 3600;
  p.props.receive_maximum = 1000;
  return p;
}

struct acknowledged {
  std::set<int> qos1;
  std::set<int> qos2;
  std::set<std::string> retained_topics;
};

// Publishes until the connection dies or `deadline`; records what the broker acknowledged.
void publish_until_killed(std::uint16_t port, int& next_sequence, acknowledged& acked,
                          std::chrono::steady_clock::time_point deadline) {
  mqtt_wire_client pub;
  auto ack = pub.connect(port, session_connect("publisher", true), 10s);
  ASSERT_TRUE(ack.has_value()) << "publisher could not connect";
  std::map<std::uint16_t, std::pair<qos, std::string>> in_flight;  // id -> (qos, key)
  std::uint16_t next_id = 1;
  while (pub.connected() && std::chrono::steady_clock::now() < deadline) {
    while (in_flight.size() < window) {
      const int seq = next_sequence++;
      const bool retained = seq % 50 == 0;
      const qos level = seq % 2 == 0 ? qos::at_least_once : qos::exactly_once;
      protocol::publish_packet p;
      p.qos_level = level;
      p.packet_id = next_id;
      p.payload = std::to_string(seq);
      if (retained) {
        p.topic = "crash/retained/" + std::to_string(seq);
        p.retain = true;
      } else {
        p.topic = level == qos::at_least_once ? "crash/q1" : "crash/q2";
      }
      in_flight[next_id] = {level, retained ? p.topic : p.payload};
      pub.send(p);
      next_id = next_id == 65535 ? 1 : static_cast<std::uint16_t>(next_id + 1);
    }
    pub.pump(5ms);
    for (auto& packet : pub.take()) {
      if (auto* puback = std::get_if<protocol::puback_packet>(&packet)) {
        auto it = in_flight.find(puback->packet_id);
        if (it == in_flight.end()) {
          continue;
        }
        if (it->second.second.starts_with("crash/retained/")) {
          acked.retained_topics.insert(it->second.second);
        } else {
          acked.qos1.insert(std::stoi(it->second.second));
        }
        in_flight.erase(it);
      } else if (auto* pubrec = std::get_if<protocol::pubrec_packet>(&packet)) {
        auto it = in_flight.find(pubrec->packet_id);
        if (it == in_flight.end()) {
          continue;
        }
        // PUBREC is the acknowledgement that counts: from here the broker owns the message.
        if (it->second.second.starts_with("crash/retained/")) {
          acked.retained_topics.insert(it->second.second);
        } else {
          acked.qos2.insert(std::stoi(it->second.second));
        }
        pub.send(protocol::pubrel_packet{.packet_id = pubrec->packet_id});
      } else if (auto* pubcomp = std::get_if<protocol::pubcomp_packet>(&packet)) {
        in_flight.erase(pubcomp->packet_id);
      }
    }
  }
}

struct received {
  std::map<int, int> qos1;  // sequence -> times received
  std::map<int, int> qos2;
};

// Drains a persistent session, acknowledging everything, until it stays quiet.
void drain(std::uint16_t port, const std::string& id, std::map<int, int>& counts) {
  mqtt_wire_client sub;
  auto ack = sub.connect(port, session_connect(id, false), 10s);
  ASSERT_TRUE(ack.has_value()) << id << " could not reconnect";
  EXPECT_TRUE(ack->session_present) << id << " lost its session";
  auto quiet_since = std::chrono::steady_clock::now();
  const auto give_up = quiet_since + 60s;
  while (sub.connected() && std::chrono::steady_clock::now() - quiet_since < 2s &&
         std::chrono::steady_clock::now() < give_up) {
    sub.pump(20ms);
    for (auto& packet : sub.take()) {
      quiet_since = std::chrono::steady_clock::now();
      if (auto* p = std::get_if<protocol::publish_packet>(&packet)) {
        if (p->qos_level == qos::at_least_once) {
          sub.send(protocol::puback_packet{.packet_id = p->packet_id});
          ++counts[std::stoi(p->payload)];
        } else if (p->qos_level == qos::exactly_once) {
          // The subscribers were offline through every crash, so any second copy in this one
          // connection is a duplicate the broker made.
          sub.send(protocol::pubrec_packet{.packet_id = p->packet_id});
          ++counts[std::stoi(p->payload)];
        }
      } else if (auto* rel = std::get_if<protocol::pubrel_packet>(&packet)) {
        sub.send(protocol::pubcomp_packet{.packet_id = rel->packet_id});
      }
    }
  }
  sub.send(protocol::disconnect_packet{});
  sub.pump(50ms);
}

TEST(Durability, AcknowledgedMessagesSurviveKillNine) {
  if (broker_process::is_override()) {
    GTEST_SKIP() << "tests telemq's durability contract";
  }
  const auto work = make_temp_dir("crash");
  // Queue limits are a policy that drops messages on purpose; this test is about crashes.
  const auto config = work / "telemq.toml";
  std::ofstream(config) << "[limits]\nmax_queued_messages = 10000000\n"
                           "max_queued_bytes = 4294967296\n";
  broker_process broker(work, {"--durability", "process", "--config", config.string()});
  ASSERT_EQ(broker.start(), "");

  for (const auto& [id, filter, level] : {std::tuple{"sub-q1", "crash/q1", qos::at_least_once},
                                          std::tuple{"sub-q2", "crash/q2", qos::exactly_once}}) {
    mqtt_wire_client sub;
    ASSERT_TRUE(sub.connect(broker.port(), session_connect(id, true), 10s).has_value());
    protocol::subscribe_packet s;
    s.packet_id = 1;
    s.subscriptions.push_back({filter, protocol::subscribe_options{.max_qos = level}});
    sub.send(s);
    bool subscribed = false;
    for (int i = 0; i < 500 && !subscribed; ++i) {
      sub.pump(10ms);
      for (auto& packet : sub.take()) {
        subscribed = subscribed || std::holds_alternative<protocol::suback_packet>(packet);
      }
    }
    ASSERT_TRUE(subscribed);
    sub.send(protocol::disconnect_packet{});
    sub.pump(50ms);
  }

  std::mt19937 random(20261128);
  acknowledged acked;
  int next_sequence = 1;
  for (int cycle = 0; cycle < crash_cycles; ++cycle) {
    const auto kill_after = std::chrono::milliseconds(150 + random() % 600);
    const auto kill_at = std::chrono::steady_clock::now() + kill_after;
    // The publisher works until the broker dies under it: the kill is sent from this thread
    // between pumps, at a random moment of the flood.
    std::thread killer([&broker, kill_at] {
      std::this_thread::sleep_until(kill_at);
      broker.kill_hard();
    });
    publish_until_killed(broker.port(), next_sequence, acked, kill_at + 5s);
    killer.join();
    ASSERT_EQ(broker.start(), "") << "restart " << cycle << " failed:\n" << broker.log_text();
  }
  ASSERT_GT(acked.qos1.size(), 100u) << "the flood acknowledged too little to prove anything";
  ASSERT_GT(acked.qos2.size(), 100u);

  std::map<int, int> got_qos1;
  std::map<int, int> got_qos2;
  drain(broker.port(), "sub-q1", got_qos1);
  drain(broker.port(), "sub-q2", got_qos2);

  std::size_t lost_qos1 = 0;
  for (const int seq : acked.qos1) {
    lost_qos1 += got_qos1.contains(seq) ? 0 : 1;
  }
  std::size_t lost_qos2 = 0;
  for (const int seq : acked.qos2) {
    lost_qos2 += got_qos2.contains(seq) ? 0 : 1;
  }
  std::size_t doubled_qos2 = 0;
  for (const auto& [seq, times] : got_qos2) {
    doubled_qos2 += times > 1 ? 1 : 0;
  }
  EXPECT_EQ(lost_qos1, 0u) << "of " << acked.qos1.size() << " acknowledged QoS 1 messages";
  EXPECT_EQ(lost_qos2, 0u) << "of " << acked.qos2.size() << " acknowledged QoS 2 messages";
  EXPECT_EQ(doubled_qos2, 0u) << "QoS 2 messages delivered twice";

  // Every acknowledged retained message is still retained.
  mqtt_wire_client reader;
  ASSERT_TRUE(reader.connect(broker.port(), session_connect("retained-reader", true), 10s));
  protocol::subscribe_packet s;
  s.packet_id = 1;
  s.subscriptions.push_back({"crash/retained/#", {.max_qos = qos::at_most_once}});
  reader.send(s);
  std::set<std::string> retained;
  auto quiet_since = std::chrono::steady_clock::now();
  while (reader.connected() && std::chrono::steady_clock::now() - quiet_since < 1500ms) {
    reader.pump(20ms);
    for (auto& packet : reader.take()) {
      quiet_since = std::chrono::steady_clock::now();
      if (auto* p = std::get_if<protocol::publish_packet>(&packet)) {
        EXPECT_TRUE(p->retain);
        retained.insert(p->topic);
      }
    }
  }
  std::size_t lost_retained = 0;
  for (const auto& topic : acked.retained_topics) {
    lost_retained += retained.contains(topic) ? 0 : 1;
  }
  EXPECT_EQ(lost_retained, 0u) << "of " << acked.retained_topics.size()
                               << " acknowledged retained messages";
  RecordProperty("acknowledged_qos1", static_cast<int>(acked.qos1.size()));
  RecordProperty("acknowledged_qos2", static_cast<int>(acked.qos2.size()));
}

}  // namespace
}  // namespace telemq::integration
