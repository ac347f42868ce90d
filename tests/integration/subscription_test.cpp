// Subscriptions: wildcard matching, overlapping filters, subscription identifiers, shared
// subscriptions.
#include <algorithm>
#include <set>

#include "fixture/broker_test.hpp"

namespace telemq::integration {
namespace {

using Subscriptions = broker_test;
using SharedSubscriptions = broker_test;

std::multiset<std::string> topics_of(const std::vector<mqtt::const_message_ptr>& messages) {
  std::multiset<std::string> out;
  for (const auto& m : messages) {
    out.insert(m->get_topic());
  }
  return out;
}

TEST_F(Subscriptions, WildcardsMatchPerTopicRules_MQTT_4_7_1_2_and_4_7_1_3) {
  struct filter_case {
    std::string filter;
    std::multiset<std::string> expected;
  };
  const std::vector<std::string> topics = {"a",   "a/b",  "a/b/c", "a/c",
                                           "b/b", "a//b", "/a",    "a/b/c/d"};
  const std::vector<filter_case> cases = {
      {"a/#", {"a", "a/b", "a/b/c", "a/c", "a//b", "a/b/c/d"}},
      {"a/+", {"a/b", "a/c"}},
      {"+/b", {"a/b", "b/b"}},
      {"a/+/c", {"a/b/c"}},
      {"+/+", {"a/b", "a/c", "b/b", "/a"}},
      {"a/+/b", {"a//b"}},
      {"+", {"a"}},
      {"#", {"a", "a/b", "a/b/c", "a/c", "b/b", "a//b", "/a", "a/b/c/d"}},
      {"a/b", {"a/b"}},
  };
  std::vector<std::unique_ptr<test_client>> subscribers;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    subscribers.push_back(connected_client("sub" + std::to_string(i), protocol::v311));
    ASSERT_EQ(subscribers.back()->subscribe(cases[i].filter, 1), std::vector<int>{1})
        << cases[i].filter;
  }
  auto publisher = connected_client("pub", protocol::v311);
  for (const auto& topic : topics) {
    publisher->publish(topic, topic, 1);
  }
  // The sentinel follows every publication on each subscriber's own path.
  for (std::size_t i = 0; i < cases.size(); ++i) {
    subscribers[i]->subscribe("zz/end", 1);
  }
  publisher->publish("zz/end", "end", 1);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    ASSERT_TRUE(subscribers[i]->messages().wait_for_payload("end")) << cases[i].filter;
    std::vector<mqtt::const_message_ptr> before;
    for (const auto& m : subscribers[i]->messages().snapshot()) {
      if (m->get_topic() != "zz/end") {
        before.push_back(m);
      }
    }
    EXPECT_EQ(topics_of(before), cases[i].expected) << "filter " << cases[i].filter;
  }
}

TEST_F(Subscriptions, LeadingWildcardDoesNotMatchDollarTopics_MQTT_4_7_2_1) {
  auto subscriber = connected_client("sub", protocol::v311);
  subscriber->subscribe("#", 0);
  subscriber->subscribe("+/info", 0);
  auto publisher = connected_client("pub", protocol::v311);
  publisher->publish("normal/end", "end", 1);
  ASSERT_TRUE(subscriber->messages().wait_for_payload("end"));
  for (const auto& m : subscriber->messages().snapshot()) {
    EXPECT_NE(m->get_topic().rfind('$', 0), 0u)
        << "a filter starting with a wildcard matched " << m->get_topic();
  }
}

// One client, three overlapping filters granted QoS 0, 2 and 1; ten QoS 2 publications that
// match all three. Returns what arrived on over/a once a marker on another topic is in.
std::vector<mqtt::const_message_ptr> overlapping_delivery(broker_test& test, protocol version) {
  auto subscriber = test.connected_client("sub", version);
  if (version == protocol::v5) {
    subscriber->subscribe("over/+", 0, mqtt::subscribe_options(),
                          {{mqtt::property::SUBSCRIPTION_IDENTIFIER, 11}});
    subscriber->subscribe("over/#", 2, mqtt::subscribe_options(),
                          {{mqtt::property::SUBSCRIPTION_IDENTIFIER, 22}});
    subscriber->subscribe("over/a", 1);  // no identifier
  } else {
    EXPECT_EQ(subscriber->subscribe_many({"over/+", "over/#", "over/a"}, {0, 2, 1}),
              (std::vector<int>{0, 2, 1}));
  }
  subscriber->subscribe("over-end", 2);
  auto publisher = test.connected_client("pub", version);
  publisher->publish_all(numbered_messages("over/a", "m", 10, 2));
  publisher->publish("over-end", "end", 2);
  EXPECT_TRUE(subscriber->messages().wait_for_payload("end"));
  std::vector<mqtt::const_message_ptr> result;
  for (const auto& m : subscriber->messages().snapshot()) {
    if (m->get_topic() == "over/a") {
      result.push_back(m);
    }
  }
  return result;
}

// The MUST of the rule: each message reaches the client at the highest QoS granted by any
// matching filter. Extra copies, one per further matching subscription at its own QoS, are a
// MAY, so they are allowed here (and have their own test below).
void check_highest_qos_copy(const std::vector<mqtt::const_message_ptr>& messages) {
  for (const auto& payload : numbered_payloads("m", 10)) {
    std::vector<int> qos_of_copies;
    for (const auto& m : messages) {
      if (m->get_payload_str() == payload) {
        qos_of_copies.push_back(m->get_qos());
      }
    }
    ASSERT_FALSE(qos_of_copies.empty()) << payload << " never arrived";
    EXPECT_EQ(*std::max_element(qos_of_copies.begin(), qos_of_copies.end()), 2)
        << payload << ": no copy at the highest granted QoS (2)";
    EXPECT_LE(qos_of_copies.size(), 3u) << payload << ": more copies than matching filters";
  }
}

TEST_F(Subscriptions, OverlappingFiltersDeliverAtHighestQos_V311_MQTT_3_3_5_1) {
  TELEMQ_SKIP_IF_BROKER_LACKS("overlap_max_qos_v311", "single copy at a lower QoS than granted");
  check_highest_qos_copy(overlapping_delivery(*this, protocol::v311));
}

TEST_F(Subscriptions, OverlappingFiltersDeliverAtHighestQos_V5_MQTT_3_3_4_2) {
  check_highest_qos_copy(overlapping_delivery(*this, protocol::v5));
}

// Subscription identifiers on overlapping matches: a single copy carries all of them; if the
// broker sends one copy per subscription, each carries its own.
TEST_F(Subscriptions, OverlappingFiltersCarrySubscriptionIds_V5_MQTT_3_3_4_3_to_3_3_4_5) {
  auto messages = overlapping_delivery(*this, protocol::v5);
  for (const auto& payload : numbered_payloads("m", 10)) {
    std::vector<std::vector<int>> ids_per_copy;
    for (const auto& m : messages) {
      if (m->get_payload_str() == payload) {
        auto ids = int_properties(m->get_properties(), mqtt::property::SUBSCRIPTION_IDENTIFIER);
        std::sort(ids.begin(), ids.end());
        ids_per_copy.push_back(ids);
      }
    }
    ASSERT_FALSE(ids_per_copy.empty()) << payload << " never arrived";
    if (ids_per_copy.size() == 1) {
      EXPECT_EQ(ids_per_copy[0], (std::vector<int>{11, 22}))
          << payload << ": a single copy must carry every matching identifier";
      continue;
    }
    std::multiset<int> all;
    for (const auto& ids : ids_per_copy) {
      EXPECT_LE(ids.size(), 1u) << payload << ": one copy per subscription carries one id";
      all.insert(ids.begin(), ids.end());
    }
    EXPECT_EQ(all, (std::multiset<int>{11, 22})) << payload;
  }
}

// telemq delivers one copy per message to a client however many of its filters match (the
// design's choice among what 3.3.5 allows); v5 copies then carry every matching identifier.
void check_single_copy(broker_test& test, protocol version) {
  TELEMQ_SKIP_IF_BROKER_LACKS("single_copy_for_overlaps", "sends one copy per matching filter");
  auto messages = overlapping_delivery(test, version);
  std::vector<std::string> payloads;
  for (const auto& m : messages) {
    payloads.push_back(m->get_payload_str());
    EXPECT_EQ(m->get_qos(), 2);
    if (version == protocol::v5) {
      auto ids = int_properties(m->get_properties(), mqtt::property::SUBSCRIPTION_IDENTIFIER);
      std::sort(ids.begin(), ids.end());
      EXPECT_EQ(ids, (std::vector<int>{11, 22})) << m->get_payload_str();
    }
  }
  EXPECT_EQ(payloads, numbered_payloads("m", 10)) << "one copy of each message, in order";
}

TEST_F(Subscriptions, OverlappingFiltersSingleCopy_V311) {
  check_single_copy(*this, protocol::v311);
}
TEST_F(Subscriptions, OverlappingFiltersSingleCopy_V5) {
  check_single_copy(*this, protocol::v5);
}

TEST_F(SharedSubscriptions, EachMessageGoesToExactlyOneMember_V5_Section_4_8_2) {
  constexpr int count = 100;
  std::vector<std::unique_ptr<test_client>> members;
  for (int i = 0; i < 2; ++i) {
    members.push_back(connected_client("member" + std::to_string(i), protocol::v5));
    ASSERT_EQ(members.back()->subscribe("$share/g/shared/t", 1), std::vector<int>{1});
  }
  auto plain = connected_client("plain", protocol::v5);
  plain->subscribe("shared/t", 1);
  auto publisher = connected_client("pub", protocol::v5);
  publisher->publish_all(numbered_messages("shared/t", "s", count, 1));

  ASSERT_TRUE(plain->messages().wait_for_count(count))
      << "a non-shared subscription receives every message";
  ASSERT_TRUE(wait_for_total({&members[0]->messages(), &members[1]->messages()}, count))
      << "members received " << members[0]->messages().size() << " + "
      << members[1]->messages().size() << " of " << count;
  // A marker through the plain subscription bounds the time for any late duplicate.
  publisher->publish("shared/t", "end", 1);
  ASSERT_TRUE(plain->messages().wait_for_payload("end"));
  std::multiset<std::string> seen;
  for (const auto& member : members) {
    for (const auto& payload : member->messages().payloads()) {
      if (payload != "end") {
        seen.insert(payload);
      }
    }
  }
  auto expected = numbered_payloads("s", count);
  EXPECT_EQ(seen, std::multiset<std::string>(expected.begin(), expected.end()))
      << "every message to exactly one member of the group";
  for (const auto& member : members) {
    for (const auto& m : member->messages().snapshot()) {
      EXPECT_EQ(m->get_topic(), "shared/t") << "delivered with the topic name, not the filter";
    }
  }
}

TEST_F(SharedSubscriptions, LoadIsSpreadAcrossMembers_V5_Section_4_8_2) {
  constexpr int count = 50;
  std::vector<std::unique_ptr<test_client>> members;
  for (int i = 0; i < 2; ++i) {
    members.push_back(connected_client("member" + std::to_string(i), protocol::v5));
    members.back()->subscribe("$share/g/spread/t", 1);
  }
  auto publisher = connected_client("pub", protocol::v5);
  publisher->publish_all(numbered_messages("spread/t", "s", count, 1));
  ASSERT_TRUE(wait_for_total({&members[0]->messages(), &members[1]->messages()}, count));
  EXPECT_GT(members[0]->messages().size(), 0u) << "member 0 got nothing of " << count;
  EXPECT_GT(members[1]->messages().size(), 0u) << "member 1 got nothing of " << count;
}

TEST_F(SharedSubscriptions, DifferentGroupsEachGetEveryMessage_V5_Section_4_8_2) {
  constexpr int count = 20;
  auto group_a = connected_client("a", protocol::v5);
  auto group_b = connected_client("b", protocol::v5);
  group_a->subscribe("$share/ga/groups/t", 1);
  group_b->subscribe("$share/gb/groups/t", 1);
  auto publisher = connected_client("pub", protocol::v5);
  publisher->publish_all(numbered_messages("groups/t", "g", count, 1));
  ASSERT_TRUE(group_a->messages().wait_for_count(count));
  ASSERT_TRUE(group_b->messages().wait_for_count(count));
  EXPECT_EQ(group_a->messages().payloads(), numbered_payloads("g", count));
  EXPECT_EQ(group_b->messages().payloads(), numbered_payloads("g", count));
}

}  // namespace
}  // namespace telemq::integration
