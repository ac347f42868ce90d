// Coalescing within one batch, checked on the plan itself (no SQLite).
#include "persistence/write_plan.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace telemq::persistence {
namespace {

using testing::make_delivery;
using testing::make_message;

write_plan plan(std::vector<operation> ops) {
  return plan_batch(ops);
}

std::size_t stored_messages(const write_plan& p) {
  return static_cast<std::size_t>(std::count_if(p.messages.begin(), p.messages.end(),
                                                [](const auto& m) { return m != nullptr; }));
}

TEST(WritePlan, DeliveryAcknowledgedWithinTheBatchWritesNothing) {
  const auto p = plan({save_message_op{make_message(1, "t", "x")},
                       save_delivery_op{make_delivery("sub", 1, 1)}, delete_delivery_op{"sub", 1}});
  EXPECT_TRUE(p.empty());
  EXPECT_EQ(stored_messages(p), 0U);
}

TEST(WritePlan, MessageStaysWhileAnotherDeliveryOfItRemains) {
  const auto p =
      plan({save_message_op{make_message(1, "t", "x")}, save_delivery_op{make_delivery("a", 1, 1)},
            save_delivery_op{make_delivery("b", 1, 1)}, delete_delivery_op{"a", 1}});
  EXPECT_EQ(stored_messages(p), 1U);
  ASSERT_EQ(p.deliveries.size(), 1U);
  EXPECT_TRUE(p.deliveries.begin()->second.has_value());
  EXPECT_EQ(p.deliveries.begin()->first.client_id, "b");
  EXPECT_TRUE(p.orphan_candidates.empty());
}

TEST(WritePlan, StateChangesOfOneDeliveryKeepOnlyTheLast) {
  auto sent = make_delivery("a", 1, 1);
  sent.state = core::delivery_state::publish_sent;
  sent.packet_id = 7;
  const auto p = plan({save_message_op{make_message(1, "t", "x")},
                       save_delivery_op{make_delivery("a", 1, 1)}, save_delivery_op{sent}});
  ASSERT_EQ(p.deliveries.size(), 1U);
  EXPECT_EQ(p.deliveries.begin()->second->packet_id, 7);
  EXPECT_EQ(p.size(), 2U);
}

TEST(WritePlan, DeleteOfADeliveryFromAnEarlierBatchReachesTheFile) {
  // Message 5 is not saved in this batch, so its delivery may be in the file.
  const auto p = plan({save_delivery_op{make_delivery("a", 5, 1)}, delete_delivery_op{"a", 5}});
  ASSERT_EQ(p.deliveries.size(), 1U);
  EXPECT_FALSE(p.deliveries.begin()->second.has_value());
  EXPECT_EQ(p.orphan_candidates, std::unordered_set<std::uint64_t>{5});
}

TEST(WritePlan, SecondAcknowledgementAfterCancellationOnlyDeletesNothing) {
  // save, deliver, acknowledge, then a second delete of the same key: nothing to write.
  const auto p =
      plan({save_message_op{make_message(1, "t", "x")}, save_delivery_op{make_delivery("a", 1, 1)},
            delete_delivery_op{"a", 1}, delete_delivery_op{"a", 1}});
  EXPECT_EQ(stored_messages(p), 0U);
  ASSERT_EQ(p.deliveries.size(), 1U);  // a harmless DELETE of a row that is not there
  EXPECT_FALSE(p.deliveries.begin()->second.has_value());
}

TEST(WritePlan, MessageQueuedAgainForTheSameSessionStillDeletesTheEarlierRow) {
  // Message 3 reached "a" in an earlier batch. Acknowledged, it is saved again under the same
  // id (a retained message sent on a second SUBSCRIBE) and acknowledged again, all in this
  // batch: the row from the earlier batch must still be deleted.
  const auto p = plan({delete_delivery_op{"a", 3}, save_message_op{make_message(3, "t", "x")},
                       save_delivery_op{make_delivery("a", 3, 9)}, delete_delivery_op{"a", 3}});
  EXPECT_EQ(stored_messages(p), 0U);
  ASSERT_EQ(p.deliveries.size(), 1U);
  EXPECT_FALSE(p.deliveries.begin()->second.has_value());
}

TEST(WritePlan, RepeatedSavesOfOneKeyKeepTheLast) {
  core::stored_session s1;
  s1.client_id = "c";
  s1.username = "first";
  core::stored_session s2 = s1;
  s2.username = "second";
  core::stored_subscription sub1{"c", "a/#", {}, 1};
  core::stored_subscription sub2{"c", "a/#", {}, 2};
  const auto p = plan({save_session_op{s1}, save_session_op{s2}, save_subscription_op{sub1},
                       save_subscription_op{sub2}, save_retained_op{make_message(0, "r", "1")},
                       save_retained_op{make_message(0, "r", "2")}});
  EXPECT_EQ(p.sessions.at("c").username, "second");
  ASSERT_EQ(p.subscriptions.size(), 1U);
  EXPECT_EQ(p.subscriptions.begin()->second->identifier, 2U);
  EXPECT_EQ(p.retained.at("r")->payload, "2");
  EXPECT_EQ(p.size(), 3U);
}

TEST(WritePlan, RetainedSetThenClearedIsOneDelete) {
  const auto p = plan({save_retained_op{make_message(0, "r", "1")}, delete_retained_op{"r"}});
  ASSERT_EQ(p.retained.size(), 1U);
  EXPECT_EQ(p.retained.at("r"), nullptr);
}

TEST(WritePlan, IncomingQos2ReleasedInTheSameBatchStillDeletesFromTheFile) {
  // The id may be in the file from an earlier batch; dropping the delete would leave it there.
  const auto p = plan({save_incoming_qos2_op{"pub", 9}, delete_incoming_qos2_op{"pub", 9}});
  ASSERT_EQ(p.incoming_qos2.size(), 1U);
  EXPECT_FALSE(p.incoming_qos2.begin()->second);
}

TEST(WritePlan, DeleteSessionDropsTheClientsEarlierCallsAndCascades) {
  core::stored_session s;
  s.client_id = "c";
  const auto p =
      plan({save_session_op{s}, save_subscription_op{{"c", "x", {}, 0}},
            save_subscription_op{{"other", "x", {}, 0}}, save_message_op{make_message(1, "t", "x")},
            save_delivery_op{make_delivery("c", 1, 1)}, save_incoming_qos2_op{"c", 3},
            delete_session_op{"c"}});
  EXPECT_EQ(p.deleted_sessions, std::unordered_set<std::string>{"c"});
  EXPECT_TRUE(p.sessions.empty());
  EXPECT_EQ(p.subscriptions.size(), 1U);  // other's
  EXPECT_TRUE(p.deliveries.empty());
  EXPECT_TRUE(p.incoming_qos2.empty());
  EXPECT_EQ(stored_messages(p), 0U);  // its only delivery went with the session
}

TEST(WritePlan, SessionSavedAfterItsDeleteIsWrittenAfterTheCascade) {
  core::stored_session s;
  s.client_id = "c";
  const auto p =
      plan({delete_session_op{"c"}, save_session_op{s}, save_subscription_op{{"c", "x", {}, 0}}});
  EXPECT_EQ(p.deleted_sessions.size(), 1U);
  EXPECT_EQ(p.sessions.size(), 1U);
  EXPECT_EQ(p.subscriptions.size(), 1U);
}

TEST(WritePlan, MessageHandedToAnotherSessionKeepsBothChanges) {
  // Queued message 4 (from an earlier batch) moves from a to b; whether a's delete orphans the
  // message is for the writer to check against the file, after b's delivery is in.
  const auto p = plan({save_delivery_op{make_delivery("b", 4, 1)}, delete_delivery_op{"a", 4}});
  EXPECT_EQ(p.deliveries.size(), 2U);
  EXPECT_TRUE(p.orphan_candidates.empty());
}

TEST(WritePlan, SessionDeletedAfterTakingAnEarlierMessageMakesItACandidate) {
  const auto p = plan({save_delivery_op{make_delivery("a", 4, 1)}, delete_session_op{"a"}});
  EXPECT_TRUE(p.deliveries.empty());
  EXPECT_EQ(p.orphan_candidates.count(4), 1U);
}

}  // namespace
}  // namespace telemq::persistence
