// What expired while the broker was down is gone when it starts again.
#include <gtest/gtest.h>

#include "persistence/sqlite_store.hpp"
#include "test_support.hpp"

namespace telemq::persistence {
namespace {

using namespace testing;

core::stored_session offline_session(std::string client, std::uint32_t expiry,
                                     std::optional<core::timestamp> disconnected_at) {
  core::stored_session s;
  s.client_id = std::move(client);
  s.version = protocol::protocol_version::v5;
  s.expiry_interval = expiry;
  s.disconnected_at = disconnected_at;
  return s;
}

core::message_ptr expiring(std::uint64_t id, core::timestamp at) {
  core::message m;
  m.id = id;
  m.topic = "t";
  m.payload = "x";
  m.qos_level = protocol::qos::at_least_once;
  m.expires_at = at;
  return std::make_shared<const core::message>(std::move(m));
}

class Expiry : public ::testing::Test {
 protected:
  // Writes with the clock at t0, reopens with it at `now`.
  core::store_snapshot reopen_at(core::timestamp now) {
    broker_loop loop;
    auto o = options_for(dir_.db(), loop);
    o.clock = [now] { return now; };
    sqlite_store store(o);
    return store.load();
  }

  void write(const std::function<void(core::store&)>& calls) {
    broker_loop loop;
    sqlite_store store(options_for(dir_.db(), loop));
    store.load();
    calls(store);
  }

  temp_dir dir_;
};

TEST_F(Expiry, SessionsWhoseExpiryPassedWhileOfflineAreDeletedWithTheirRows) {
  write([](core::store& s) {
    s.save_session(offline_session("expired", 60, t0));
    s.save_subscription({"expired", "a/#", {}, 0});
    s.save_incoming_qos2("expired", 1);
    s.save_message(make_message(1, "t", "x"));
    s.save_delivery(make_delivery("expired", 1, 1));
    s.save_session(offline_session("alive", 3600, t0));
    s.save_session(offline_session("connected", 1, std::nullopt));
    s.save_session(offline_session("forever", 0xFFFFFFFF, t0 - std::chrono::hours(24 * 365)));
  });
  const auto snap = reopen_at(t0 + 61s);
  std::vector<std::string> clients;
  for (const auto& s : snap.sessions) {
    clients.push_back(s.client_id);
  }
  std::sort(clients.begin(), clients.end());
  EXPECT_EQ(clients, (std::vector<std::string>{"alive", "connected", "forever"}));
  EXPECT_TRUE(snap.subscriptions.empty());
  EXPECT_TRUE(snap.incoming_qos2.empty());
  EXPECT_TRUE(snap.deliveries.empty());
  EXPECT_TRUE(snap.messages.empty());
  EXPECT_EQ(count_rows(dir_.db(), "sessions"), 3);  // deleted in the file too
}

TEST_F(Expiry, SessionExpiresExactlyAtItsInterval) {
  write([](core::store& s) { s.save_session(offline_session("c", 10, t0)); });
  EXPECT_EQ(reopen_at(t0 + 9999ms).sessions.size(), 1U);
  EXPECT_EQ(reopen_at(t0 + 10s).sessions.size(), 0U);
}

TEST_F(Expiry, ExpiredMessageIsDroppedOnlyWhereDeliveryHasNotStarted_MQTT_3_3_2_5) {
  write([](core::store& s) {
    s.save_message(expiring(1, t0 + 1s));
    s.save_delivery(make_delivery("queued", 1, 1));
    auto started = make_delivery("started", 1, 1);
    started.state = core::delivery_state::publish_sent;
    started.packet_id = 3;
    s.save_delivery(started);
    s.save_message(expiring(2, t0 + 1s));
    s.save_delivery(make_delivery("queued", 2, 2));
    s.save_message(expiring(3, t0 + 1h));
    s.save_delivery(make_delivery("queued", 3, 3));
    s.save_message(make_message(4, "t", "no expiry"));
    s.save_delivery(make_delivery("queued", 4, 4));
  });
  const auto snap = reopen_at(t0 + 1s);
  std::vector<std::pair<std::string, std::uint64_t>> deliveries;
  for (const auto& d : snap.deliveries) {
    deliveries.emplace_back(d.client_id, d.message_id);
  }
  std::sort(deliveries.begin(), deliveries.end());
  using p = std::pair<std::string, std::uint64_t>;
  EXPECT_EQ(deliveries, (std::vector<p>{{"queued", 3}, {"queued", 4}, {"started", 1}}));
  std::vector<std::uint64_t> ids;
  for (const auto& m : snap.messages) {
    ids.push_back(m->id);
  }
  EXPECT_EQ(ids, (std::vector<std::uint64_t>{1, 3, 4}));
  EXPECT_EQ(count_rows(dir_.db(), "messages"), 3);
}

TEST_F(Expiry, ExpiredRetainedMessagesAreDropped) {
  write([](core::store& s) {
    core::message r;
    r.topic = "old";
    r.payload = "x";
    r.retain = true;
    r.expires_at = t0 + 5s;
    s.save_retained(std::make_shared<const core::message>(r));
    r.topic = "fresh";
    r.expires_at = t0 + 1h;
    s.save_retained(std::make_shared<const core::message>(r));
    s.save_retained(make_retained("forever", "x"));
  });
  const auto snap = reopen_at(t0 + 5s);
  std::vector<std::string> topics;
  for (const auto& m : snap.retained) {
    topics.push_back(m->topic);
  }
  std::sort(topics.begin(), topics.end());
  EXPECT_EQ(topics, (std::vector<std::string>{"forever", "fresh"}));
}

TEST_F(Expiry, MessagesNoDeliveryNamesAreDroppedAtLoad) {
  write([](core::store& s) { s.save_message(make_message(9, "t", "never delivered")); });
  EXPECT_TRUE(reopen_at(t0).messages.empty());
  EXPECT_EQ(count_rows(dir_.db(), "messages"), 0);
}

}  // namespace
}  // namespace telemq::persistence
