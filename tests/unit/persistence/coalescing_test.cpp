// Coalescing through the whole store: what reaches the file, and that any split of calls into
// batches ends in the same state as applying every call in order.
#include <gtest/gtest.h>

#include <random>

#include "persistence/sqlite_store.hpp"
#include "test_support.hpp"

namespace telemq::persistence {
namespace {

using namespace testing;

// One batch for the whole test: it closes only when the store does.
sqlite_options one_batch(const std::filesystem::path& db, broker_loop& loop) {
  auto o = options_for(db, loop);
  o.max_batch_delay = std::chrono::hours(1);
  o.max_batch_operations = 1'000'000;
  return o;
}

TEST(Coalescing, MessageAcknowledgedBeforeCommitNeverReachesTheFile) {
  temp_dir dir;
  broker_loop loop;
  store_stats stats;
  {
    sqlite_store store(one_batch(dir.db(), loop));
    store.load();
    for (std::uint64_t id = 1; id <= 100; ++id) {
      store.save_message(make_message(id, "t", "x"));
      store.save_delivery(make_delivery("sub", id, id));
      store.delete_delivery("sub", id);
    }
    store.close();
    stats = store.stats();
  }
  EXPECT_EQ(stats.operations, 300U);
  EXPECT_EQ(stats.rows_written, 0U);
  EXPECT_EQ(stats.batches, 0U);
  EXPECT_EQ(count_rows(dir.db(), "messages"), 0);
  EXPECT_EQ(count_rows(dir.db(), "deliveries"), 0);
}

TEST(Coalescing, DeleteOfARowCommittedEarlierIsWritten) {
  temp_dir dir;
  broker_loop loop;
  {
    sqlite_store store(options_for(dir.db(), loop));
    store.load();
    store.save_message(make_message(1, "t", "x"));
    store.save_delivery(make_delivery("sub", 1, 1));
    store.save_incoming_qos2("pub", 4);
    bool durable = false;
    store.after_durable([&] { durable = true; });
    ASSERT_TRUE(loop.run_until([&] { return durable; }));
    // Now in the file: a later batch that saves and deletes again must still delete.
    store.save_delivery(make_delivery("sub", 1, 1));
    store.delete_delivery("sub", 1);
    store.save_incoming_qos2("pub", 4);
    store.delete_incoming_qos2("pub", 4);
  }
  EXPECT_EQ(count_rows(dir.db(), "messages"), 0);
  EXPECT_EQ(count_rows(dir.db(), "deliveries"), 0);
  EXPECT_EQ(count_rows(dir.db(), "incoming_qos2"), 0);
}

TEST(Coalescing, MessageHandedFromOneSessionToAnotherSurvives) {
  temp_dir dir;
  broker_loop loop;
  {
    sqlite_store store(options_for(dir.db(), loop));
    store.load();
    store.save_message(make_message(1, "t", "x"));
    store.save_delivery(make_delivery("a", 1, 1));
    bool durable = false;
    store.after_durable([&] { durable = true; });
    ASSERT_TRUE(loop.run_until([&] { return durable; }));
    // A shared subscription hands the queued message to b, then a's session ends.
    store.save_delivery(make_delivery("b", 1, 1));
    store.delete_session("a");
  }
  broker_loop loop2;
  sqlite_store reopened(options_for(dir.db(), loop2));
  const auto snap = reopened.load();
  ASSERT_EQ(snap.messages.size(), 1U);
  ASSERT_EQ(snap.deliveries.size(), 1U);
  EXPECT_EQ(snap.deliveries[0].client_id, "b");
}

TEST(Coalescing, MessageSavedAgainRightAfterItsLastDeliveryWentIsKept) {
  // Batches of exactly two calls. The core saves a message again, under its id, when it queues
  // it once more after its last stored delivery went (a retained message on a second
  // SUBSCRIBE); the delivery naming it may land in the next batch.
  temp_dir dir;
  broker_loop loop;
  {
    auto o = options_for(dir.db(), loop);
    o.max_batch_operations = 2;
    o.max_batch_delay = std::chrono::hours(1);
    sqlite_store store(o);
    store.load();
    auto wait_durable = [&] {
      bool durable = false;
      store.after_durable([&] { durable = true; });
      ASSERT_TRUE(loop.run_until([&] { return durable; }));
    };
    store.save_message(make_message(1, "t", "x"));
    store.save_delivery(make_delivery("a", 1, 1));
    wait_durable();
    store.delete_delivery("a", 1);
    store.save_message(make_message(1, "t", "x"));
    wait_durable();
    store.save_delivery(make_delivery("a", 1, 2));
    store.save_delivery(make_delivery("b", 1, 1));
    wait_durable();
  }
  broker_loop loop2;
  sqlite_store reopened(options_for(dir.db(), loop2));
  const auto snap = reopened.load();
  EXPECT_EQ(snap.messages.size(), 1U);
  EXPECT_EQ(snap.deliveries.size(), 2U);
}

// Random calls that keep core::store's contract: a message is saved before deliveries name
// it, again only once none does, and deliveries name only messages that still exist.
class call_generator {
 public:
  explicit call_generator(std::uint32_t seed) : rng_(seed) {}

  // Makes one call on both stores.
  void step(core::store& a, model_store& model) {
    const auto client = pick({"c0", "c1", "c2", "c3"});
    const int roll = below(100);
    auto both = [&](auto&& call) {
      call(a);
      call(static_cast<core::store&>(model));
    };
    if (roll < 15) {
      // Usually a new message; sometimes one whose deliveries are all gone, saved again under
      // its id, as the core does when it queues a retained message a second time.
      std::uint64_t id = recent_id();
      if (below(3) != 0 || id >= next_id_ || model.messages.contains(id)) {
        id = next_id_++;
      }
      const auto msg = make_message(id, pick({"t/a", "t/b"}), std::to_string(roll));
      both([&](core::store& s) { s.save_message(msg); });
    } else if (roll < 40) {
      if (model.messages.empty()) {
        return;
      }
      // Recent messages, so that calls on one key meet within a batch.
      auto it = model.messages.rbegin();
      std::advance(it, below(std::min(6, static_cast<int>(model.messages.size()))));
      auto d = make_delivery(client, it->first, static_cast<std::uint64_t>(below(1000)));
      d.state = static_cast<core::delivery_state>(below(3));
      d.packet_id = static_cast<std::uint16_t>(below(10));
      d.qos_level = static_cast<protocol::qos>(below(3));
      if (below(4) == 0) {
        d.subscription_identifiers = {static_cast<std::uint32_t>(below(5) + 1)};
      }
      both([&](core::store& s) { s.save_delivery(d); });
    } else if (roll < 60) {
      const std::uint64_t id = recent_id();
      if (!model.deliveries.empty() && below(4) != 0) {
        auto it = model.deliveries.begin();
        std::advance(it, below(static_cast<int>(model.deliveries.size())));
        both([&, key = it->first](core::store& s) { s.delete_delivery(key.first, key.second); });
      } else {
        both([&](core::store& s) { s.delete_delivery(client, id); });
      }
    } else if (roll < 66) {
      core::stored_session session;
      session.client_id = client;
      session.username = "u" + std::to_string(below(3));
      session.expiry_interval = 0xFFFFFFFF;
      both([&](core::store& s) { s.save_session(session); });
    } else if (roll < 69) {
      both([&](core::store& s) { s.delete_session(client); });
    } else if (roll < 75) {
      core::stored_subscription sub{client,
                                    pick({"a", "b/#", "+/c"}),
                                    {static_cast<protocol::qos>(below(3))},
                                    static_cast<std::uint32_t>(below(3))};
      both([&](core::store& s) { s.save_subscription(sub); });
    } else if (roll < 79) {
      const auto filter = pick({"a", "b/#", "+/c"});
      both([&](core::store& s) { s.delete_subscription(client, filter); });
    } else if (roll < 85) {
      const auto msg = make_retained(pick({"r/1", "r/2", "r/3"}), std::to_string(roll));
      both([&](core::store& s) { s.save_retained(msg); });
    } else if (roll < 88) {
      const auto topic = pick({"r/1", "r/2", "r/3"});
      both([&](core::store& s) { s.delete_retained(topic); });
    } else if (roll < 94) {
      const auto pid = static_cast<std::uint16_t>(below(4) + 1);
      both([&](core::store& s) { s.save_incoming_qos2(client, pid); });
    } else {
      const auto pid = static_cast<std::uint16_t>(below(4) + 1);
      both([&](core::store& s) { s.delete_incoming_qos2(client, pid); });
    }
  }

  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

 private:
  // One of the last eight message ids handed out (or 1 before there are any).
  std::uint64_t recent_id() {
    const auto back = static_cast<std::uint64_t>(below(8) + 1);
    return next_id_ > back ? next_id_ - back : 1;
  }

  std::string pick(std::initializer_list<const char*> options) {
    return *(options.begin() + below(static_cast<int>(options.size())));
  }

  std::mt19937 rng_;
  std::uint64_t next_id_ = 1;
};

TEST(Coalescing, AnySplitIntoBatchesEndsAsIfEveryCallRanInOrder) {
  for (std::uint32_t seed = 1; seed <= 24; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    temp_dir dir;
    broker_loop loop;
    model_store model;
    call_generator calls(seed);
    {
      auto o = options_for(dir.db(), loop);
      // From one call per batch to everything in a few batches, split at random moments.
      o.max_batch_operations = static_cast<std::size_t>(1 + calls.below(64));
      o.max_batch_delay = std::chrono::microseconds(calls.below(3) * 300);
      sqlite_store store(o);
      store.load();
      for (int i = 0; i < 1500; ++i) {
        calls.step(store, model);
        if (calls.below(50) == 0) {
          bool durable = false;
          store.after_durable([&] { durable = true; });
          ASSERT_TRUE(loop.run_until([&] { return durable; }));
        }
      }
    }
    EXPECT_EQ(message_ids_in_file(dir.db()), model.message_ids());
    broker_loop loop2;
    sqlite_store reopened(options_for(dir.db(), loop2));
    EXPECT_EQ(dump(reopened.load()), dump(model.load()));
  }
}

}  // namespace
}  // namespace telemq::persistence
