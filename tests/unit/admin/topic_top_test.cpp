#include "broker/admin/topic_top.hpp"

#include <gtest/gtest.h>

#include <random>

namespace telemq::admin {
namespace {

using namespace std::chrono_literals;

TEST(TopicTop, RanksTopicsByRate) {
  topic_top top(10);
  for (int second = 0; second < 60; ++second) {
    for (int i = 0; i < 30; ++i) {
      top.count("busy");
    }
    for (int i = 0; i < 10; ++i) {
      top.count("medium");
    }
    top.count("quiet");
    top.advance(1s);
  }
  const auto best = top.top(2);
  ASSERT_EQ(best.size(), 2U);
  EXPECT_EQ(best[0].topic, "busy");
  EXPECT_EQ(best[1].topic, "medium");
  // Messages per second, averaged over about ten seconds.
  EXPECT_NEAR(best[0].rate, 30.0, 3.0);
  EXPECT_NEAR(best[1].rate, 10.0, 1.0);
  EXPECT_EQ(best[0].error, 0.0);
}

TEST(TopicTop, FindsHeavyTopicsAmongManyMoreThanItFollows) {
  topic_top top(50);
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> noise(0, 99'999);
  for (int second = 0; second < 30; ++second) {
    for (int i = 0; i < 2000; ++i) {
      top.count("sensors/" + std::to_string(noise(rng)));
      if (i % 4 == 0) {
        top.count("heavy/a");
      }
      if (i % 8 == 0) {
        top.count("heavy/b");
      }
    }
    top.advance(1s);
  }
  EXPECT_EQ(top.size(), 50U);
  const auto best = top.top(2);
  ASSERT_EQ(best.size(), 2U);
  EXPECT_EQ(best[0].topic, "heavy/a");
  EXPECT_EQ(best[1].topic, "heavy/b");
}

TEST(TopicTop, TheBusiestNowOvertakesTheBusiestOnceAsTimePasses) {
  topic_top top(10);
  for (int i = 0; i < 10'000; ++i) {
    top.count("yesterday");
  }
  top.advance(1s);
  for (int second = 0; second < 120; ++second) {
    for (int i = 0; i < 5; ++i) {
      top.count("today");
    }
    top.advance(1s);
  }
  const auto best = top.top(2);
  ASSERT_EQ(best.size(), 2U);
  EXPECT_EQ(best[0].topic, "today");
  EXPECT_LT(best[1].rate, 0.01);
}

TEST(TopicTop, ANewTopicReplacingAnotherReportsOnlyWhatItSurelyHad) {
  topic_top top(1);
  for (int i = 0; i < 100; ++i) {
    top.count("old");
  }
  top.count("new");
  const auto best = top.top(1);
  ASSERT_EQ(best.size(), 1U);
  EXPECT_EQ(best[0].topic, "new");
  EXPECT_NEAR(best[0].rate, 1.0 / 10, 1e-9);  // one message over the ten-second constant
  EXPECT_NEAR(best[0].error, 100.0 / 10, 1e-9);
}

TEST(TopicTop, KeepsCountingAcrossRescaling) {
  topic_top top(4);
  // A year of seconds: the weight passes the rescaling threshold many times.
  for (int second = 0; second < 365 * 24 * 3600; second += 3600) {
    top.count("steady");
    top.advance(3600s);
  }
  for (int i = 0; i < 10; ++i) {
    top.count("steady");
  }
  const auto best = top.top(4);
  ASSERT_EQ(best.size(), 1U);
  EXPECT_NEAR(best[0].rate, 1.0, 1e-6);
}

TEST(TopicTop, ZeroCapacityCountsNothing) {
  topic_top top(0);
  top.count("a");
  EXPECT_EQ(top.size(), 0U);
  EXPECT_TRUE(top.top(5).empty());
}

}  // namespace
}  // namespace telemq::admin
