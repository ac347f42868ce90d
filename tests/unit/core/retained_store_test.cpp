#include "broker/core/retained_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace telemq::core {

// Counts the nodes of a store so tests can see that erase releases them.
struct retained_store_probe {
  static std::size_t nodes(const retained_store& store) { return store.node_count(); }
};

namespace {

message_ptr retained(std::string topic, std::string payload = "p") {
  auto msg = std::make_shared<message>();
  msg->topic = std::move(topic);
  msg->payload = std::move(payload);
  msg->retain = true;
  return msg;
}

std::vector<std::string> matched_topics(const retained_store& store, std::string_view filter) {
  std::vector<std::string> topics;
  store.match(filter, [&](const message_ptr& m) { topics.push_back(m->topic); });
  std::sort(topics.begin(), topics.end());
  return topics;
}

using topics = std::vector<std::string>;

TEST(RetainedStore, SetReplacesTheMessageOfItsTopic_MQTT_3_3_1_5) {
  retained_store store;
  store.set(retained("a/b", "one"));
  store.set(retained("a/b", "two"));
  EXPECT_EQ(store.size(), 1u);
  ASSERT_NE(store.find("a/b"), nullptr);
  EXPECT_EQ(store.find("a/b")->payload, "two");
}

TEST(RetainedStore, FindNeedsTheExactTopic) {
  retained_store store;
  store.set(retained("a/b"));
  EXPECT_EQ(store.find("a"), nullptr);
  EXPECT_EQ(store.find("a/b/c"), nullptr);
  EXPECT_EQ(store.find("a/b/"), nullptr);
  EXPECT_EQ(store.find("/a/b"), nullptr);
  EXPECT_EQ(store.find("A/b"), nullptr);
  EXPECT_NE(store.find("a/b"), nullptr);
}

TEST(RetainedStore, EraseReportsWhetherAMessageWasStored) {
  retained_store store;
  store.set(retained("a/b"));
  EXPECT_FALSE(store.erase("a"));  // a node on the way, without a message
  EXPECT_FALSE(store.erase("a/b/c"));
  EXPECT_FALSE(store.erase("x"));
  EXPECT_EQ(store.size(), 1u);
  EXPECT_TRUE(store.erase("a/b"));
  EXPECT_FALSE(store.erase("a/b"));
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(store.find("a/b"), nullptr);
  EXPECT_EQ(retained_store_probe::nodes(store), 1u);
}

TEST(RetainedStore, ErasePrunesOnlyTheEmptyBranch) {
  retained_store store;
  store.set(retained("a/b/c/d"));
  store.set(retained("a/b"));
  store.set(retained("a/x"));
  EXPECT_EQ(retained_store_probe::nodes(store), 6u);  // root a b c d x

  EXPECT_TRUE(store.erase("a/b/c/d"));
  EXPECT_EQ(retained_store_probe::nodes(store), 4u);
  EXPECT_NE(store.find("a/b"), nullptr);

  EXPECT_TRUE(store.erase("a/b"));
  EXPECT_EQ(retained_store_probe::nodes(store), 3u);
  EXPECT_TRUE(store.erase("a/x"));
  EXPECT_EQ(retained_store_probe::nodes(store), 1u);
}

TEST(RetainedStore, ErasingAParentKeepsItsChildren) {
  retained_store store;
  store.set(retained("a"));
  store.set(retained("a/b"));
  EXPECT_TRUE(store.erase("a"));
  EXPECT_EQ(retained_store_probe::nodes(store), 3u);
  EXPECT_EQ(matched_topics(store, "#"), (topics{"a/b"}));
}

class RetainedStoreSpec : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* t :
         {"sport", "sport/", "sport/tennis", "sport/tennis/player1", "sport/tennis/player1/ranking",
          "sport/tennis/player1/score/wimbledon", "sport/tennis/player2", "sports", "/finance",
          "finance", "/", "a//b", "$SYS", "$SYS/monitor/Clients", "x/$y"}) {
      store.set(retained(t));
    }
  }
  retained_store store;
};

TEST_F(RetainedStoreSpec, MultiLevelWildcardVisitsParentAndSubtree_MQTT_4_7_1_2) {
  EXPECT_EQ(matched_topics(store, "sport/tennis/player1/#"),
            (topics{"sport/tennis/player1", "sport/tennis/player1/ranking",
                    "sport/tennis/player1/score/wimbledon"}));
  EXPECT_EQ(matched_topics(store, "sport/#"),
            (topics{"sport", "sport/", "sport/tennis", "sport/tennis/player1",
                    "sport/tennis/player1/ranking", "sport/tennis/player1/score/wimbledon",
                    "sport/tennis/player2"}));
  EXPECT_EQ(
      matched_topics(store, "#"),
      (topics{"/", "/finance", "a//b", "finance", "sport", "sport/", "sport/tennis",
              "sport/tennis/player1", "sport/tennis/player1/ranking",
              "sport/tennis/player1/score/wimbledon", "sport/tennis/player2", "sports", "x/$y"}));
  EXPECT_EQ(matched_topics(store, "nothing/#"), topics{});
}

TEST_F(RetainedStoreSpec, SingleLevelWildcardVisitsOneLevel_MQTT_4_7_1_3) {
  EXPECT_EQ(matched_topics(store, "sport/tennis/+"),
            (topics{"sport/tennis/player1", "sport/tennis/player2"}));
  EXPECT_EQ(matched_topics(store, "sport/+"), (topics{"sport/", "sport/tennis"}));
  EXPECT_EQ(matched_topics(store, "+/+"),
            (topics{"/", "/finance", "sport/", "sport/tennis", "x/$y"}));
  EXPECT_EQ(matched_topics(store, "/+"), (topics{"/", "/finance"}));
  EXPECT_EQ(matched_topics(store, "+"), (topics{"finance", "sport", "sports"}));
  EXPECT_EQ(matched_topics(store, "+/tennis/#"),
            (topics{"sport/tennis", "sport/tennis/player1", "sport/tennis/player1/ranking",
                    "sport/tennis/player1/score/wimbledon", "sport/tennis/player2"}));
  EXPECT_EQ(matched_topics(store, "a/+/b"), (topics{"a//b"}));
}

TEST_F(RetainedStoreSpec, ExactFilterVisitsOneTopic) {
  EXPECT_EQ(matched_topics(store, "sport/tennis"), (topics{"sport/tennis"}));
  EXPECT_EQ(matched_topics(store, "a//b"), (topics{"a//b"}));
  EXPECT_EQ(matched_topics(store, "a/b"), topics{});
}

TEST_F(RetainedStoreSpec, LeadingWildcardSkipsDollarTopics_MQTT_4_7_2_1) {
  EXPECT_EQ(matched_topics(store, "+/monitor/Clients"), topics{});
  EXPECT_EQ(matched_topics(store, "+"), (topics{"finance", "sport", "sports"}));
  EXPECT_EQ(matched_topics(store, "$SYS/#"), (topics{"$SYS", "$SYS/monitor/Clients"}));
  EXPECT_EQ(matched_topics(store, "$SYS/monitor/+"), (topics{"$SYS/monitor/Clients"}));
  EXPECT_EQ(matched_topics(store, "$SYS"), (topics{"$SYS"}));
  EXPECT_EQ(matched_topics(store, "x/+"), (topics{"x/$y"}));  // only the first level counts
}

TEST_F(RetainedStoreSpec, ForEachVisitsEveryMessageDollarTopicsIncluded) {
  std::vector<std::string> all;
  store.for_each([&](const message_ptr& m) { all.push_back(m->topic); });
  EXPECT_EQ(all.size(), store.size());
  EXPECT_EQ(store.size(), 15u);
  EXPECT_NE(std::find(all.begin(), all.end(), "$SYS/monitor/Clients"), all.end());
}

// A reference matcher written straight from section 4.7, on split levels.
std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> levels;
  for (;;) {
    const std::size_t slash = s.find('/');
    levels.emplace_back(s.substr(0, slash));
    if (slash == std::string_view::npos) {
      return levels;
    }
    s.remove_prefix(slash + 1);
  }
}

bool reference_match(std::string_view filter, std::string_view topic) {
  const std::vector<std::string> f = split(filter);
  const std::vector<std::string> t = split(topic);
  if (topic.starts_with('$') && (f[0] == "+" || f[0] == "#")) {
    return false;
  }
  for (std::size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "#") {
      return true;
    }
    if (i >= t.size() || (f[i] != "+" && f[i] != t[i])) {
      return false;
    }
  }
  return f.size() == t.size();
}

TEST(RetainedStore, RandomTopicsAgreeWithAReferenceMatcher_MQTT_4_7) {
  std::mt19937 rng(20240602);
  const auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng);
  };
  const std::vector<std::string> vocabulary = {"a", "b", "c", "", "$s", "dd"};
  const auto make = [&](bool wildcards) {
    std::string s;
    const std::size_t levels = 1 + pick(5);
    for (std::size_t i = 0; i < levels; ++i) {
      if (i > 0) {
        s += '/';
      }
      if (wildcards && i + 1 == levels && pick(5) == 0) {
        s += '#';
      } else {
        s += wildcards && pick(4) == 0 ? std::string("+") : vocabulary[pick(vocabulary.size())];
      }
    }
    return s;
  };

  retained_store store;
  std::map<std::string, std::string> model;  // topic -> payload
  const auto check = [&] {
    EXPECT_EQ(store.size(), model.size());
    for (int i = 0; i < 500; ++i) {
      const std::string filter = make(true);
      topics want;
      for (const auto& [topic, payload] : model) {
        if (reference_match(filter, topic)) {
          want.push_back(topic);
        }
      }
      EXPECT_EQ(matched_topics(store, filter), want) << "filter " << filter;
    }
    for (const auto& [topic, payload] : model) {
      const message_ptr found = store.find(topic);
      ASSERT_NE(found, nullptr) << topic;
      EXPECT_EQ(found->payload, payload);
    }
  };

  for (int i = 0; i < 3000; ++i) {
    const std::string topic = make(false);
    if (pick(3) == 0) {
      EXPECT_EQ(store.erase(topic), model.erase(topic) == 1) << topic;
    } else {
      const std::string payload = std::to_string(i);
      store.set(retained(topic, payload));
      model[topic] = payload;
    }
  }
  check();

  for (auto it = model.begin(); it != model.end();) {
    if (pick(2) == 0) {
      EXPECT_TRUE(store.erase(it->first));
      it = model.erase(it);
    } else {
      ++it;
    }
  }
  check();

  for (const auto& [topic, payload] : model) {
    EXPECT_TRUE(store.erase(topic));
  }
  EXPECT_EQ(store.size(), 0u);
  EXPECT_EQ(retained_store_probe::nodes(store), 1u);
}

}  // namespace
}  // namespace telemq::core
