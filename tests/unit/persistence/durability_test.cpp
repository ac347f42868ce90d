// after_durable is the barrier the broker's acknowledgements hang on: its callbacks run in order,
// on the broker thread, and only once the data is in the file.
#include <gtest/gtest.h>

#include <thread>

#include "persistence/sqlite_store.hpp"
#include "test_support.hpp"

namespace telemq::persistence {
namespace {

using namespace testing;

TEST(Durability, CallbacksRunInRegistrationOrderAcrossBatches) {
  temp_dir dir;
  broker_loop loop;
  auto o = options_for(dir.db(), loop);
  o.max_batch_operations = 7;  // many batches
  sqlite_store store(o);
  store.load();
  std::vector<int> order;
  for (int i = 0; i < 500; ++i) {
    store.save_message(make_message(static_cast<std::uint64_t>(i) + 1, "t", "x"));
    store.save_delivery(make_delivery("sub", static_cast<std::uint64_t>(i) + 1, 1));
    store.after_durable([&order, i] { order.push_back(i); });
    if (i % 10 == 0) {
      loop.run_pending();
    }
  }
  ASSERT_TRUE(loop.run_until([&] { return order.size() == 500; }));
  for (int i = 0; i < 500; ++i) {
    ASSERT_EQ(order[static_cast<std::size_t>(i)], i);
  }
}

TEST(Durability, CallbackRunsOnlyOnceTheDataIsInTheFile) {
  temp_dir dir;
  broker_loop loop;
  sqlite_store store(options_for(dir.db(), loop));
  store.load();
  int checked = 0;
  for (std::uint64_t id = 1; id <= 50; ++id) {
    store.save_message(make_message(id, "t", "payload"));
    store.save_delivery(make_delivery("sub", id, id));
    store.save_retained(make_retained("r", std::to_string(id)));
    store.after_durable([&, id] {
      // Another connection, as a restarted broker would open the file.
      sqlite::connection reader(dir.db(), sqlite::open_mode::read_only);
      EXPECT_EQ(reader.query_int("SELECT count(*) FROM deliveries WHERE message_id = " +
                                 std::to_string(id)),
                1);
      EXPECT_EQ(reader.query_int("SELECT count(*) FROM messages WHERE id = " + std::to_string(id)),
                1);
      EXPECT_GE(std::stoull(reader.query_text("SELECT payload FROM retained")), id);
      ++checked;
    });
  }
  ASSERT_TRUE(loop.run_until([&] { return checked == 50; }));
}

TEST(Durability, CallbackRunsAtOnceWhenNothingIsWaiting) {
  temp_dir dir;
  broker_loop loop;
  sqlite_store store(options_for(dir.db(), loop));
  store.load();
  EXPECT_FALSE(store.has_pending_writes());
  bool ran = false;
  store.after_durable([&] { ran = true; });
  EXPECT_TRUE(ran);
}

TEST(Durability, PendingWritesDelayCallbacksUntilCommitted) {
  temp_dir dir;
  broker_loop loop;
  sqlite_store store(options_for(dir.db(), loop));
  store.load();
  store.save_message(make_message(1, "t", "x"));
  EXPECT_TRUE(store.has_pending_writes());
  bool ran = false;
  store.after_durable([&] { ran = true; });
  EXPECT_FALSE(ran);  // only on the broker loop, after the commit
  ASSERT_TRUE(loop.run_until([&] { return ran; }));
  EXPECT_FALSE(store.has_pending_writes());
}

TEST(Durability, LaterCallbackWaitsForEarlierOnesStillQueued) {
  temp_dir dir;
  broker_loop loop;
  sqlite_store store(options_for(dir.db(), loop));
  store.load();
  std::vector<int> order;
  store.save_message(make_message(1, "t", "x"));
  store.after_durable([&] { order.push_back(1); });
  // Wait until the first callback is posted but not run: nothing is pending any more, yet the
  // second callback must not overtake it.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (store.stats().batches == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_TRUE(store.has_pending_writes());
  store.after_durable([&] { order.push_back(2); });
  ASSERT_TRUE(loop.run_until([&] { return order.size() == 2; }));
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(Durability, BatchClosesAtTheOperationLimitBeforeTheDelay) {
  temp_dir dir;
  broker_loop loop;
  auto o = options_for(dir.db(), loop);
  o.max_batch_delay = std::chrono::hours(1);
  o.max_batch_operations = 10;
  sqlite_store store(o);
  store.load();
  for (std::uint64_t id = 1; id <= 10; ++id) {
    store.save_message(make_message(id, "t", "x"));
  }
  bool ran = false;
  store.after_durable([&] { ran = true; });
  ASSERT_TRUE(loop.run_until([&] { return ran; }, 10s));
}

TEST(Durability, FailedCommitIsRetriedUntilItSucceedsAndNothingIsLost) {
  temp_dir dir;
  broker_loop loop;
  log_capture log;
  auto o = options_for(dir.db(), loop);
  o.busy_timeout = 10ms;
  o.log = log.sink();
  sqlite_store store(o);
  store.load();

  // Another program holds the write lock: every commit fails with SQLITE_BUSY meanwhile.
  sqlite::connection blocker(dir.db(), sqlite::open_mode::read_write_create);
  blocker.exec("PRAGMA busy_timeout = 5000");
  blocker.exec("BEGIN IMMEDIATE");
  store.save_message(make_message(1, "t", "x"));
  store.save_delivery(make_delivery("sub", 1, 1));
  bool ran = false;
  store.after_durable([&] { ran = true; });
  EXPECT_FALSE(loop.run_until([&] { return ran; }, 300ms));
  EXPECT_GT(store.stats().write_errors, 0U);
  EXPECT_TRUE(log.contains("store write failed, retrying")) << log.all();

  blocker.exec("ROLLBACK");
  ASSERT_TRUE(loop.run_until([&] { return ran; }, 10s));
  EXPECT_EQ(count_rows(dir.db(), "deliveries"), 1);
  EXPECT_TRUE(log.contains("store write succeeded after retries")) << log.all();
}

TEST(Durability, CloseGivesUpAFailingWriteWithoutRunningItsCallbacks) {
  temp_dir dir;
  broker_loop loop;
  log_capture log;
  auto o = options_for(dir.db(), loop);
  o.busy_timeout = 10ms;
  o.close_timeout = 200ms;
  o.log = log.sink();
  sqlite_store store(o);
  store.load();
  sqlite::connection blocker(dir.db(), sqlite::open_mode::read_write_create);
  blocker.exec("PRAGMA busy_timeout = 5000");
  blocker.exec("BEGIN IMMEDIATE");
  store.save_message(make_message(1, "t", "x"));
  bool ran = false;
  store.after_durable([&] { ran = true; });
  store.close();
  loop.run_pending();
  EXPECT_FALSE(ran);
  EXPECT_TRUE(log.contains("store gave up writing a batch at close")) << log.all();
  blocker.exec("ROLLBACK");
}

TEST(Durability, CloseWritesEverythingPendingAndPostsItsCallbacks) {
  temp_dir dir;
  broker_loop loop;
  bool ran = false;
  {
    auto o = options_for(dir.db(), loop);
    o.max_batch_delay = std::chrono::hours(1);
    sqlite_store store(o);
    store.load();
    store.save_message(make_message(1, "t", "x"));
    store.save_delivery(make_delivery("sub", 1, 1));
    store.after_durable([&] { ran = true; });
    store.close();
  }
  // The write-ahead log was folded in at close (before a reader makes a new one).
  EXPECT_FALSE(std::filesystem::exists(dir.db().string() + "-wal"));
  loop.run_pending();
  EXPECT_TRUE(ran);
  EXPECT_EQ(count_rows(dir.db(), "deliveries"), 1);
}

TEST(Durability, IdleWriterFoldsTheLogIntoTheDatabase) {
  temp_dir dir;
  broker_loop loop;
  sqlite_store store(options_for(dir.db(), loop));
  store.load();
  for (std::uint64_t id = 1; id <= 200; ++id) {
    store.save_message(make_message(id, "t", std::string(1000, 'x')));
    store.save_delivery(make_delivery("sub", id, id));
  }
  bool ran = false;
  store.after_durable([&] { ran = true; });
  ASSERT_TRUE(loop.run_until([&] { return ran; }));
  const std::filesystem::path wal = dir.db().string() + "-wal";
  EXPECT_GT(std::filesystem::file_size(wal), 0U);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::filesystem::file_size(wal) > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(std::filesystem::file_size(wal), 0U);
  EXPECT_EQ(count_rows(dir.db(), "messages"), 200);
}

TEST(Durability, CallsAfterCloseAreLoggedAndIgnored) {
  temp_dir dir;
  broker_loop loop;
  log_capture log;
  auto o = options_for(dir.db(), loop);
  o.log = log.sink();
  sqlite_store store(o);
  store.load();
  store.close();
  store.save_message(make_message(1, "t", "x"));
  bool ran = false;
  store.after_durable([&] { ran = true; });
  EXPECT_FALSE(ran);
  EXPECT_TRUE(log.contains("after close() ignored")) << log.all();
}

TEST(Durability, BothDurabilityModesCommit) {
  for (const auto mode : {durability::process, durability::power}) {
    temp_dir dir;
    broker_loop loop;
    auto o = options_for(dir.db(), loop);
    o.mode = mode;
    sqlite_store store(o);
    store.load();
    store.save_message(make_message(1, "t", "x"));
    bool ran = false;
    store.after_durable([&] { ran = true; });
    ASSERT_TRUE(loop.run_until([&] { return ran; }));
    EXPECT_GT(store.size_bytes(), 0U);
  }
}

}  // namespace
}  // namespace telemq::persistence
