// --threads: connections spread over I/O threads behave as on one thread. With 3 threads the
// broker thread keeps the sessions, and it and two I/O threads take the sockets in turn, so
// consecutive clients of a test land on different threads.
#include <signal.h>

#include <map>
#include <thread>

#include "fixture/broker_test.hpp"

namespace telemq::integration {
namespace {

constexpr auto io_timeout = std::chrono::milliseconds(wait_timeout);

class ThreeThreads : public broker_test {
 protected:
  std::vector<std::string> broker_args() const override { return {"--threads", "3"}; }
};

class OneThread : public broker_test {
 protected:
  std::vector<std::string> broker_args() const override { return {"--threads", "1"}; }
};

TEST_F(ThreeThreads, TheStartLineNamesTheThreadCount) {
  TELEMQ_SKIP_UNLESS_TELEMQ("telemq's --threads option and log line");
  EXPECT_NE(broker().log_text().find("event=start"), std::string::npos);
  EXPECT_NE(broker().log_text().find(" threads=3"), std::string::npos) << broker().log_text();
}

TEST_F(OneThread, TheStartLineNamesTheThreadCountAndPubSubWorks) {
  TELEMQ_SKIP_UNLESS_TELEMQ("telemq's --threads option and log line");
  EXPECT_NE(broker().log_text().find(" threads=1"), std::string::npos) << broker().log_text();
  auto subscriber = connected_client("sub", protocol::v5);
  subscriber->subscribe("one/t", 1);
  auto publisher = connected_client("pub", protocol::v311);
  publisher->publish_all(numbered_messages("one/t", "m", 100, 1));
  ASSERT_TRUE(subscriber->messages().wait_for_count(100));
  EXPECT_EQ(subscriber->messages().payloads(), numbered_payloads("m", 100));
}

// Six publishers on two I/O threads, one subscriber: every message once, each publisher's in
// order [MQTT-4.6.0-6], whichever threads carried them.
TEST_F(ThreeThreads, FanInFromEveryThreadArrivesOnceAndInOrderPerPublisher) {
  constexpr int publishers = 6;
  constexpr int per_publisher = 300;
  auto subscriber = connected_client("sub", protocol::v5);
  ASSERT_EQ(subscriber->subscribe("fanin/#", 1), std::vector<int>{1});
  std::vector<std::unique_ptr<test_client>> clients;
  for (int p = 0; p < publishers; ++p) {
    clients.push_back(
        connected_client("pub" + std::to_string(p), p % 2 == 0 ? protocol::v5 : protocol::v311));
  }
  std::vector<std::thread> senders;
  for (int p = 0; p < publishers; ++p) {
    senders.emplace_back([&, p] {
      clients[p]->publish_all(
          numbered_messages("fanin/" + std::to_string(p), "m", per_publisher, p % 3));
    });
  }
  for (auto& sender : senders) {
    sender.join();
  }
  ASSERT_TRUE(subscriber->messages().wait_for_count(publishers * per_publisher))
      << "got " << subscriber->messages().size();
  std::map<std::string, std::vector<std::string>> by_topic;
  for (const auto& message : subscriber->messages().snapshot()) {
    by_topic[message->get_topic()].push_back(message->get_payload_str());
  }
  ASSERT_EQ(by_topic.size(), static_cast<std::size_t>(publishers));
  for (const auto& [topic, payloads] : by_topic) {
    EXPECT_EQ(payloads, numbered_payloads("m", per_publisher)) << topic;
  }
}

// The old and the new connection are on different threads; the takeover is the broker
// thread's, so it goes as on one thread [MQTT-3.1.4-3].
TEST_F(ThreeThreads, TakeoverAcrossThreadsClosesTheOldConnectionWith0x8E) {
  auto first = open_raw();
  wire::connect_fields fields;
  fields.protocol_level = 5;
  fields.client_id = "roaming";
  ASSERT_TRUE(first.handshake(fields, io_timeout)) << first.error();

  auto second = connected_client("roaming", protocol::v5);
  std::vector<wire::packet> seen;
  ASSERT_TRUE(first.wait_closed(io_timeout, &seen)) << "the first connection must be closed";
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].type(), wire::disconnect);
  EXPECT_EQ(wire::disconnect_reason(seen[0]), 0x8E);
  second->subscribe("roaming/t", 2);
  second->publish("roaming/t", "after", 2);
  EXPECT_TRUE(second->messages().wait_for_payload("after"));
}

// SIGTERM with clients on every thread: each is closed, the process exits 0.
TEST_F(ThreeThreads, SigtermEndsConnectionsOnEveryThreadAndExitsZero) {
  std::vector<std::unique_ptr<test_client>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(connected_client("c" + std::to_string(i), protocol::v5));
  }
  broker().send_signal(SIGTERM);
  for (auto& client : clients) {
    EXPECT_TRUE(client->wait_for_server_disconnect()) << client->client_id();
  }
  auto status = broker().wait_exit(std::chrono::seconds(20));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->clean()) << status->describe();
}

}  // namespace
}  // namespace telemq::integration
