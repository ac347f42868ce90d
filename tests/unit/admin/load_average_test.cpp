#include "broker/admin/load_average.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace telemq::admin {
namespace {

using namespace std::chrono_literals;

TEST(LoadAverage, ASteadyRateConvergesToItself) {
  load_average load;
  std::uint64_t total = 0;
  for (int second = 0; second < 3 * 3600; ++second) {
    total += 50;
    load.update(total, 1s);
  }
  EXPECT_NEAR(load.per_second(load_window::one_minute), 50.0, 1e-6);
  EXPECT_NEAR(load.per_second(load_window::fifteen_minutes), 50.0, 1e-3);
  EXPECT_NEAR(load.per_minute(load_window::five_minutes), 3000.0, 1e-3);
}

TEST(LoadAverage, AfterOneWindowOfSilenceOneOverERemains) {
  load_average load;
  load.update(6000, 60s);  // 100/s for a minute
  const double start = load.per_second(load_window::one_minute);
  load.update(6000, 60s);
  EXPECT_NEAR(load.per_second(load_window::one_minute), start * std::exp(-1.0), 1e-9);
}

TEST(LoadAverage, TheResultDoesNotDependOnHowOftenItIsUpdated) {
  load_average every_second;
  load_average every_ten_seconds;
  std::uint64_t total = 0;
  for (int second = 1; second <= 600; ++second) {
    total += static_cast<std::uint64_t>(second % 7);
    every_second.update(total, 1s);
    if (second % 10 == 0) {
      every_ten_seconds.update(total, 10s);
    }
  }
  // Equal up to how the counts are spread within each ten seconds.
  EXPECT_NEAR(every_second.per_second(load_window::five_minutes),
              every_ten_seconds.per_second(load_window::five_minutes), 0.05);
}

TEST(LoadAverage, StartsFromTheCounterItIsGiven) {
  load_average load(1'000'000);
  load.update(1'000'060, 1s);
  EXPECT_NEAR(load.per_second(load_window::one_minute), 60.0 * (1 - std::exp(-1.0 / 60)), 1e-9);
}

TEST(LoadAverage, IgnoresAZeroInterval) {
  load_average load;
  load.update(100, 0s);
  load.update(100, 1s);
  EXPECT_NEAR(load.per_second(load_window::one_minute), 100.0 * (1 - std::exp(-1.0 / 60)), 1e-9);
}

}  // namespace
}  // namespace telemq::admin
