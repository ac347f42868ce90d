// The broker thread and the writer thread under load: every callback runs, in order, nothing is
// lost, nothing deadlocks.
#include <gtest/gtest.h>

#include <future>
#include <random>

#include "persistence/sqlite_store.hpp"
#include "test_support.hpp"

namespace telemq::persistence {
namespace {

using namespace testing;

TEST(Stress, HundredThousandMessagesFromTheBrokerThreadLoseNothing) {
  temp_dir dir;
  constexpr std::uint64_t count = 100'000;
  // Each message goes to one of four sessions; its acknowledgement comes 0 to 300 messages
  // later, so some deliveries cancel within a batch and others are written and deleted.
  std::mt19937 rng(7);
  std::vector<std::uint64_t> ack_after(count + 1);
  for (auto& lag : ack_after) {
    lag = std::uniform_int_distribution<std::uint64_t>(0, 300)(rng);
  }
  auto client = [](std::uint64_t id) { return "c" + std::to_string(id % 4); };

  std::set<std::pair<std::string, std::uint64_t>> remaining;
  std::uint64_t callbacks = 0;
  bool in_order = true;
  store_stats stats;

  // The broker thread: runs calls and posted callbacks, like the core on its io_context.
  auto broker = std::async(std::launch::async, [&] {
    broker_loop loop;
    auto o = options_for(dir.db(), loop);
    o.max_batch_operations = 256;
    o.max_batch_delay = 200us;
    sqlite_store store(o);
    store.load();
    std::multimap<std::uint64_t, std::uint64_t> acks;  // due at message -> message
    for (std::uint64_t id = 1; id <= count; ++id) {
      store.save_message(make_message(id, "t", "payload " + std::to_string(id)));
      store.save_delivery(make_delivery(client(id), id, id));
      remaining.emplace(client(id), id);
      acks.emplace(id + ack_after[id], id);
      while (!acks.empty() && acks.begin()->first <= id) {
        const auto acked = acks.begin()->second;
        acks.erase(acks.begin());
        store.delete_delivery(client(acked), acked);
        remaining.erase({client(acked), acked});
      }
      store.after_durable([&, id] {
        in_order = in_order && callbacks + 1 == id;
        ++callbacks;
      });
      loop.run_pending();
    }
    const bool all = loop.run_until([&] { return callbacks == count; }, 60s);
    store.close();
    stats = store.stats();
    return all;
  });
  if (broker.wait_for(120s) != std::future_status::ready) {
    ADD_FAILURE() << "deadlock: the broker thread did not finish";
    std::abort();
  }
  ASSERT_TRUE(broker.get());
  EXPECT_TRUE(in_order);
  EXPECT_EQ(callbacks, count);
  EXPECT_EQ(stats.operations, 3 * count - remaining.size());
  EXPECT_LT(stats.rows_written, stats.operations);  // some cancelled out

  broker_loop loop;
  sqlite_store reopened(options_for(dir.db(), loop));
  const auto snap = reopened.load();
  std::set<std::pair<std::string, std::uint64_t>> stored;
  for (const auto& d : snap.deliveries) {
    stored.emplace(d.client_id, d.message_id);
  }
  EXPECT_EQ(stored, remaining);
  EXPECT_EQ(snap.messages.size(), remaining.size());
  EXPECT_EQ(count_rows(dir.db(), "messages"), static_cast<std::int64_t>(remaining.size()));
}

}  // namespace
}  // namespace telemq::persistence
