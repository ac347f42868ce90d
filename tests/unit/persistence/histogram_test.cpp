// The commit latency and batch size histograms: bucketing, reads without a lock while the writer
// records, and what the store records per committed batch.
#include "persistence/histogram.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "persistence/sqlite_store.hpp"
#include "test_support.hpp"

namespace telemq::persistence {
namespace {

using namespace testing;

TEST(Histogram, AValueCountsInTheFirstBucketWhoseBoundHoldsIt) {
  atomic_histogram h{1, 10, 100};
  for (const std::uint64_t value : {0, 1, 2, 10, 11, 100, 1000}) {
    h.record(value);
  }
  const auto s = h.read();
  EXPECT_EQ(s.upper_bounds, (std::vector<std::uint64_t>{1, 10, 100}));
  EXPECT_EQ(s.cumulative, (std::vector<std::uint64_t>{2, 4, 6})) << "cumulative, le";
  EXPECT_EQ(s.count, 7U) << "the value above every bound counts too";
  EXPECT_EQ(s.sum, 1124U);
}

TEST(Histogram, ReadsWhileAnotherThreadRecordsStayConsistent) {
  atomic_histogram h{5, 50};
  constexpr std::uint64_t n = 20'000;
  std::thread writer([&] {
    for (std::uint64_t i = 0; i < n; ++i) {
      h.record(i % 100);
    }
  });
  for (int i = 0; i < 1000; ++i) {
    const auto s = h.read();
    ASSERT_LE(s.cumulative[0], s.cumulative[1]);
    ASSERT_LE(s.cumulative[1], s.count);
  }
  writer.join();
  const auto s = h.read();
  EXPECT_EQ(s.count, n);
  EXPECT_EQ(s.cumulative[0], n / 100 * 6);   // 0 to 5
  EXPECT_EQ(s.cumulative[1], n / 100 * 51);  // 0 to 50
  EXPECT_EQ(s.sum, n / 100 * 4950);
}

TEST(Histogram, TheStoreRecordsEveryCommittedBatch) {
  temp_dir dir;
  broker_loop loop;
  sqlite_store store(options_for(dir.db(), loop));
  store.load();
  for (std::uint64_t id = 1; id <= 3; ++id) {
    store.save_retained(make_message(id, "t/" + std::to_string(id), "x"));
    bool durable = false;
    store.after_durable([&] { durable = true; });
    ASSERT_TRUE(loop.run_until([&] { return durable; }));
  }
  const auto stats = store.stats();
  ASSERT_GE(stats.batches, 1U);
  EXPECT_EQ(stats.commit_latency_us.count, stats.batches);
  EXPECT_EQ(stats.batch_operations.count, stats.batches);
  EXPECT_EQ(stats.batch_operations.sum, 3U) << "one save_retained each";
  EXPECT_EQ(stats.batch_operations.cumulative.front(), stats.batches) << "one operation a batch";
  EXPECT_EQ(stats.commit_latency_us.sum,
            static_cast<std::uint64_t>(stats.total_commit_latency.count()));
}

}  // namespace
}  // namespace telemq::persistence
