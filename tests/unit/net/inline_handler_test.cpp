// inline_handler: the handler storage of idle connections.
#include "broker/net/inline_handler.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <utility>

namespace telemq::net {
namespace {

using handler = inline_handler<void(int)>;

TEST(InlineHandler, CallingEmptiesItFirstSoTheCallCanStoreTheNextOne) {
  handler slot;
  int calls = 0;
  slot = [&slot, &calls](int value) {
    calls += value;
    EXPECT_FALSE(slot);
    slot = [&calls](int again) { calls += again * 10; };
  };
  ASSERT_TRUE(slot);
  slot(1);
  ASSERT_TRUE(slot);
  slot(2);
  EXPECT_EQ(calls, 21);
  EXPECT_FALSE(slot);
}

TEST(InlineHandler, WhatItHoldsIsReleasedAfterTheCallOrOnReset) {
  auto owned = std::make_shared<int>(7);
  handler called = [keep = owned](int) {};
  handler dropped = [keep = owned](int) {};
  EXPECT_EQ(owned.use_count(), 3);
  called(0);
  EXPECT_EQ(owned.use_count(), 2);
  dropped.reset();
  EXPECT_EQ(owned.use_count(), 1);
}

TEST(InlineHandler, MovingTransfersTheHandler) {
  auto owned = std::make_shared<int>(7);
  handler first = [keep = owned](int value) { *keep += value; };
  handler second = std::move(first);
  EXPECT_FALSE(first);  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  ASSERT_TRUE(second);
  handler third;
  third = std::move(second);
  EXPECT_EQ(owned.use_count(), 2);
  third(1);
  EXPECT_EQ(*owned, 8);
  EXPECT_EQ(owned.use_count(), 1);
}

}  // namespace
}  // namespace telemq::net
