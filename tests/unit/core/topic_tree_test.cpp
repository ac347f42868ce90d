#include "broker/core/topic_tree.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace telemq::core {

// Counts the nodes of a tree so tests can see that unsubscribe releases them.
struct topic_tree_probe {
  static std::size_t nodes(const topic_tree& tree) { return tree.nodes_.size() + 1; }
};

namespace {

// topic_tree never dereferences an owner, so distinct addresses inside one array will do.
std::array<std::byte, 4096> session_storage;
session* fake_session(std::size_t i) {
  return reinterpret_cast<session*>(&session_storage.at(i));
}

subscription_entry entry(std::size_t owner, std::uint32_t identifier = 0,
                         protocol::qos max_qos = protocol::qos::at_most_once) {
  subscription_entry e;
  e.owner = fake_session(owner);
  e.identifier = identifier;
  e.options.max_qos = max_qos;
  return e;
}

struct hits {
  std::vector<std::uint32_t> plain;       // identifiers, sorted
  std::vector<std::string> groups;        // group names, sorted
  std::vector<shared_group*> group_ptrs;  // in report order
};

hits match_all(topic_tree& tree, std::string_view topic) {
  hits h;
  tree.match(
      topic, [&](const subscription_entry& e) { h.plain.push_back(e.identifier); },
      [&](shared_group& g) {
        h.groups.push_back(g.name);
        h.group_ptrs.push_back(&g);
      });
  std::sort(h.plain.begin(), h.plain.end());
  std::sort(h.groups.begin(), h.groups.end());
  return h;
}

bool matches(std::string_view filter, std::string_view topic) {
  topic_tree tree;
  tree.subscribe(filter, entry(0, 1));
  const hits h = match_all(tree, topic);
  return h.plain.size() + h.groups.size() == 1;
}

TEST(TopicTree, MultiLevelWildcardMatchesParentAndDescendants_MQTT_4_7_1_2) {
  EXPECT_TRUE(matches("sport/tennis/player1/#", "sport/tennis/player1"));
  EXPECT_TRUE(matches("sport/tennis/player1/#", "sport/tennis/player1/ranking"));
  EXPECT_TRUE(matches("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon"));
  EXPECT_FALSE(matches("sport/tennis/player1/#", "sport/tennis/player2"));
  EXPECT_FALSE(matches("sport/tennis/player1/#", "sport/tennis"));
  EXPECT_TRUE(matches("sport/#", "sport"));
  EXPECT_TRUE(matches("sport/#", "sport/"));
  EXPECT_TRUE(matches("sport/#", "sport/a/b"));
  EXPECT_FALSE(matches("sport/#", "sports"));
  EXPECT_TRUE(matches("#", "sport"));
  EXPECT_TRUE(matches("#", "/"));
  EXPECT_TRUE(matches("#", "a/b/c/d/e"));
}

TEST(TopicTree, SingleLevelWildcardMatchesExactlyOneLevel_MQTT_4_7_1_3) {
  EXPECT_TRUE(matches("sport/tennis/+", "sport/tennis/player1"));
  EXPECT_TRUE(matches("sport/tennis/+", "sport/tennis/player2"));
  EXPECT_FALSE(matches("sport/tennis/+", "sport/tennis/player1/ranking"));
  EXPECT_FALSE(matches("sport/+", "sport"));
  EXPECT_TRUE(matches("sport/+", "sport/"));
  EXPECT_TRUE(matches("+/+", "/finance"));
  EXPECT_TRUE(matches("/+", "/finance"));
  EXPECT_FALSE(matches("+", "/finance"));
  EXPECT_TRUE(matches("+/tennis/#", "sport/tennis/player1"));
  EXPECT_TRUE(matches("sport/+/player1", "sport/tennis/player1"));
  EXPECT_FALSE(matches("sport/+/player1", "sport/tennis/player2"));
}

TEST(TopicTree, EmptyLevelsAreRealLevels_MQTT_4_7_1_1) {
  EXPECT_TRUE(matches("a//b", "a//b"));
  EXPECT_FALSE(matches("a//b", "a/b"));
  EXPECT_TRUE(matches("a/+/b", "a//b"));
  EXPECT_FALSE(matches("/a", "a"));
  EXPECT_FALSE(matches("a", "/a"));
  EXPECT_FALSE(matches("a/", "a"));
  EXPECT_TRUE(matches("a/", "a/"));
  EXPECT_TRUE(matches("+/+", "/"));
  EXPECT_FALSE(matches("+", "/"));
  EXPECT_TRUE(matches("/#", "/"));
  EXPECT_TRUE(matches("//#", "//x"));
}

TEST(TopicTree, TopicsAreCaseSensitive_MQTT_4_7_3) {
  EXPECT_FALSE(matches("ACCOUNTS", "Accounts"));
  EXPECT_TRUE(matches("Accounts payable", "Accounts payable"));
}

TEST(TopicTree, LeadingWildcardSkipsDollarTopics_MQTT_4_7_2_1) {
  EXPECT_FALSE(matches("#", "$SYS/monitor/Clients"));
  EXPECT_FALSE(matches("#", "$"));
  EXPECT_FALSE(matches("+", "$SYS"));
  EXPECT_FALSE(matches("+/monitor/Clients", "$SYS/monitor/Clients"));
  EXPECT_FALSE(matches("+/x", "$SYS/x"));
  EXPECT_TRUE(matches("$SYS/#", "$SYS/monitor/Clients"));
  EXPECT_TRUE(matches("$SYS/#", "$SYS"));
  EXPECT_TRUE(matches("$SYS/monitor/+", "$SYS/monitor/Clients"));
  EXPECT_TRUE(matches("$SYS/+/Clients", "$SYS/monitor/Clients"));
  // Only the first character of the topic counts.
  EXPECT_TRUE(matches("+/+", "x/$y"));
  EXPECT_TRUE(matches("x/#", "x/$y"));
  EXPECT_TRUE(matches("#", "x$"));
  // The rule applies to the filter after $share/GROUP/ too.
  EXPECT_FALSE(matches("$share/g/#", "$SYS/x"));
  EXPECT_FALSE(matches("$share/g/+/x", "$SYS/x"));
  EXPECT_TRUE(matches("$share/g/$SYS/#", "$SYS/x"));
}

TEST(TopicTree, ResubscribeReplacesTheSubscription_MQTT_3_8_4_3) {
  topic_tree tree;
  EXPECT_TRUE(tree.subscribe("a/+", entry(1, 10, protocol::qos::at_most_once)));
  EXPECT_FALSE(tree.subscribe("a/+", entry(1, 11, protocol::qos::exactly_once)));
  EXPECT_EQ(tree.size(), 1u);

  std::vector<subscription_entry> seen;
  tree.match(
      "a/b", [&](const subscription_entry& e) { seen.push_back(e); }, [](shared_group&) {});
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].owner, fake_session(1));
  EXPECT_EQ(seen[0].identifier, 11u);
  EXPECT_EQ(seen[0].options.max_qos, protocol::qos::exactly_once);
}

TEST(TopicTree, OwnerMatchedByManyFiltersIsReportedOncePerFilter) {
  topic_tree tree;
  EXPECT_TRUE(tree.subscribe("a/b", entry(1, 1)));
  EXPECT_TRUE(tree.subscribe("a/+", entry(1, 2)));
  EXPECT_TRUE(tree.subscribe("a/#", entry(1, 3)));
  EXPECT_TRUE(tree.subscribe("#", entry(1, 4)));
  EXPECT_TRUE(tree.subscribe("+/b", entry(1, 5)));
  EXPECT_TRUE(tree.subscribe("a/c", entry(1, 6)));
  EXPECT_EQ(tree.size(), 6u);
  EXPECT_EQ(match_all(tree, "a/b").plain, (std::vector<std::uint32_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(match_all(tree, "a").plain, (std::vector<std::uint32_t>{3, 4}));
}

TEST(TopicTree, OwnersOfOneFilterAreIndependent) {
  topic_tree tree;
  EXPECT_TRUE(tree.subscribe("a/b", entry(1, 1)));
  EXPECT_TRUE(tree.subscribe("a/b", entry(2, 2)));
  EXPECT_EQ(match_all(tree, "a/b").plain, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_TRUE(tree.unsubscribe("a/b", fake_session(1)));
  EXPECT_EQ(match_all(tree, "a/b").plain, (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(tree.size(), 1u);
}

TEST(TopicTree, UnsubscribeOfUnknownSubscriptionChangesNothing_MQTT_3_10_4_5) {
  topic_tree tree;
  tree.subscribe("a/b", entry(1, 1));
  tree.subscribe("$share/g/a/b", entry(1, 2));
  const std::size_t nodes = topic_tree_probe::nodes(tree);

  EXPECT_FALSE(tree.unsubscribe("a/b", fake_session(2)));
  EXPECT_FALSE(tree.unsubscribe("a", fake_session(1)));
  EXPECT_FALSE(tree.unsubscribe("a/b/c", fake_session(1)));
  EXPECT_FALSE(tree.unsubscribe("a/+", fake_session(1)));
  EXPECT_FALSE(tree.unsubscribe("$share/h/a/b", fake_session(1)));
  EXPECT_FALSE(tree.unsubscribe("$share/g/a/b", fake_session(2)));
  EXPECT_FALSE(tree.unsubscribe("$share/g/a", fake_session(1)));

  EXPECT_EQ(tree.size(), 2u);
  EXPECT_EQ(topic_tree_probe::nodes(tree), nodes);
  EXPECT_EQ(match_all(tree, "a/b").plain, (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(match_all(tree, "a/b").groups, (std::vector<std::string>{"g"}));
}

TEST(TopicTree, UnsubscribePrunesOnlyTheEmptyBranch) {
  topic_tree tree;
  tree.subscribe("a/b/c/d", entry(1, 1));
  tree.subscribe("a/b", entry(1, 2));
  tree.subscribe("a/+/x", entry(1, 3));
  EXPECT_EQ(topic_tree_probe::nodes(tree), 7u);  // root a b c d + x

  EXPECT_TRUE(tree.unsubscribe("a/b/c/d", fake_session(1)));
  EXPECT_EQ(topic_tree_probe::nodes(tree), 5u);
  EXPECT_EQ(match_all(tree, "a/b").plain, (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(match_all(tree, "a/b/x").plain, (std::vector<std::uint32_t>{3}));

  EXPECT_TRUE(tree.unsubscribe("a/b", fake_session(1)));
  EXPECT_EQ(topic_tree_probe::nodes(tree), 4u);
  EXPECT_TRUE(tree.unsubscribe("a/+/x", fake_session(1)));
  EXPECT_EQ(topic_tree_probe::nodes(tree), 1u);
  EXPECT_EQ(tree.size(), 0u);
}

TEST(TopicTree, UnsubscribingEverythingLeavesAnEmptyTree) {
  topic_tree tree;
  const std::vector<std::string> filters = {
      "#",    "+",      "a",     "a/#",          "a/+",          "a/+/#",        "/",        "//",
      "/+/#", "$SYS/#", "a/b/c", "$share/g/a/#", "$share/h/a/#", "$share/g/+/+", "x/y/z/+/#"};
  for (std::size_t owner = 0; owner < 3; ++owner) {
    for (const std::string& f : filters) {
      EXPECT_TRUE(tree.subscribe(f, entry(owner)));
    }
  }
  EXPECT_EQ(tree.size(), 3 * filters.size());
  for (std::size_t owner = 3; owner-- > 0;) {
    for (auto f = filters.rbegin(); f != filters.rend(); ++f) {
      EXPECT_TRUE(tree.unsubscribe(*f, fake_session(owner))) << *f;
    }
  }
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(topic_tree_probe::nodes(tree), 1u);
  const hits h = match_all(tree, "a/b/c");
  EXPECT_TRUE(h.plain.empty());
  EXPECT_TRUE(h.groups.empty());
}

TEST(TopicTree, SharedSubscriptionsAreGroupedByName_MQTT_4_8_2) {
  topic_tree tree;
  EXPECT_TRUE(tree.subscribe("$share/g/a/+", entry(1, 1)));
  EXPECT_TRUE(tree.subscribe("$share/g/a/+", entry(2, 2)));
  EXPECT_TRUE(tree.subscribe("$share/h/a/+", entry(1, 3)));
  EXPECT_TRUE(tree.subscribe("$share/g/a/#", entry(3, 4)));  // same name, other filter
  EXPECT_TRUE(tree.subscribe("a/+", entry(1, 5)));           // plain, same owner and filter
  EXPECT_EQ(tree.size(), 5u);

  const hits h = match_all(tree, "a/x");
  EXPECT_EQ(h.plain, (std::vector<std::uint32_t>{5}));
  EXPECT_EQ(h.groups, (std::vector<std::string>{"g", "g", "h"}));

  const auto g = std::find_if(h.group_ptrs.begin(), h.group_ptrs.end(), [](shared_group* sg) {
    return sg->name == "g" && sg->members.size() == 2;
  });
  ASSERT_NE(g, h.group_ptrs.end());
  EXPECT_EQ((*g)->members[0].owner, fake_session(1));  // subscription order
  EXPECT_EQ((*g)->members[1].owner, fake_session(2));

  EXPECT_EQ(match_all(tree, "a").groups, (std::vector<std::string>{"g"}));  // only a/#
  EXPECT_TRUE(match_all(tree, "b/x").groups.empty());
}

TEST(TopicTree, SharedResubscribeReplacesMemberInPlace_MQTT_4_8_2) {
  topic_tree tree;
  tree.subscribe("$share/g/t", entry(1, 1));
  tree.subscribe("$share/g/t", entry(2, 2));
  EXPECT_FALSE(tree.subscribe("$share/g/t", entry(1, 7, protocol::qos::at_least_once)));
  EXPECT_EQ(tree.size(), 2u);

  const hits h = match_all(tree, "t");
  ASSERT_EQ(h.group_ptrs.size(), 1u);
  const shared_group& g = *h.group_ptrs[0];
  ASSERT_EQ(g.members.size(), 2u);
  EXPECT_EQ(g.members[0].owner, fake_session(1));
  EXPECT_EQ(g.members[0].identifier, 7u);
  EXPECT_EQ(g.members[0].options.max_qos, protocol::qos::at_least_once);
  EXPECT_EQ(g.members[1].owner, fake_session(2));
}

shared_group& only_group(topic_tree& tree, std::string_view topic) {
  const hits h = match_all(tree, topic);
  EXPECT_EQ(h.group_ptrs.size(), 1u);
  return *h.group_ptrs.at(0);
}

TEST(TopicTree, RemovingTheMemberAtTheCursorWrapsIt) {
  topic_tree tree;
  for (std::size_t owner = 1; owner <= 3; ++owner) {
    tree.subscribe("$share/g/t", entry(owner, static_cast<std::uint32_t>(owner)));
  }
  only_group(tree, "t").next = 2;  // the last member is due
  EXPECT_TRUE(tree.unsubscribe("$share/g/t", fake_session(3)));
  const shared_group& g = only_group(tree, "t");
  EXPECT_EQ(g.members.size(), 2u);
  EXPECT_EQ(g.next, 0u);
}

TEST(TopicTree, RemovingAMemberKeepsTheDueMemberDue) {
  topic_tree tree;
  for (std::size_t owner = 1; owner <= 4; ++owner) {
    tree.subscribe("$share/g/t", entry(owner, static_cast<std::uint32_t>(owner)));
  }
  only_group(tree, "t").next = 2;  // owner 3 is due
  EXPECT_TRUE(tree.unsubscribe("$share/g/t", fake_session(1)));
  {
    const shared_group& g = only_group(tree, "t");
    EXPECT_EQ(g.members.at(g.next).owner, fake_session(3));
  }
  EXPECT_TRUE(tree.unsubscribe("$share/g/t", fake_session(4)));  // after the cursor
  {
    const shared_group& g = only_group(tree, "t");
    EXPECT_EQ(g.members.at(g.next).owner, fake_session(3));
  }
  EXPECT_TRUE(tree.unsubscribe("$share/g/t", fake_session(3)));  // the due member itself
  {
    const shared_group& g = only_group(tree, "t");
    ASSERT_EQ(g.members.size(), 1u);
    EXPECT_EQ(g.next, 0u);
  }
}

TEST(TopicTree, RemovingTheLastMemberRemovesTheGroup) {
  topic_tree tree;
  tree.subscribe("$share/g/a/b", entry(1));
  tree.subscribe("$share/h/a/b", entry(1));
  EXPECT_TRUE(tree.unsubscribe("$share/g/a/b", fake_session(1)));
  EXPECT_EQ(match_all(tree, "a/b").groups, (std::vector<std::string>{"h"}));
  EXPECT_TRUE(tree.unsubscribe("$share/h/a/b", fake_session(1)));
  EXPECT_TRUE(match_all(tree, "a/b").groups.empty());
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(topic_tree_probe::nodes(tree), 1u);
}

// Enough owners on one filter to switch to the owner index and back.
TEST(TopicTree, ManyOwnersOfOneFilterSubscribeReplaceAndLeave) {
  topic_tree tree;
  constexpr std::size_t owners = 1000;
  std::map<std::size_t, std::uint32_t> expected;
  for (std::size_t o = 0; o < owners; ++o) {
    EXPECT_TRUE(tree.subscribe("broadcast/all", entry(o, static_cast<std::uint32_t>(o))));
    expected[o] = static_cast<std::uint32_t>(o);
  }
  for (std::size_t o = 0; o < owners; o += 7) {
    EXPECT_FALSE(tree.subscribe("broadcast/all", entry(o, static_cast<std::uint32_t>(o + 5000))));
    expected[o] = static_cast<std::uint32_t>(o + 5000);
  }
  EXPECT_EQ(tree.size(), owners);

  const auto check = [&] {
    std::vector<std::uint32_t> want;
    for (const auto& [o, id] : expected) {
      want.push_back(id);
    }
    std::sort(want.begin(), want.end());
    EXPECT_EQ(match_all(tree, "broadcast/all").plain, want);
    EXPECT_EQ(tree.size(), expected.size());
  };
  check();

  // Leave in a scattered order, checking along the way as the index is dropped.
  std::vector<std::size_t> order(owners);
  for (std::size_t i = 0; i < owners; ++i) {
    order[i] = (i * 389) % owners;
  }
  for (std::size_t i = 0; i < owners; ++i) {
    EXPECT_TRUE(tree.unsubscribe("broadcast/all", fake_session(order[i])));
    EXPECT_FALSE(tree.unsubscribe("broadcast/all", fake_session(order[i])));
    expected.erase(order[i]);
    if (i % 97 == 0 || expected.size() < 40) {
      check();
    }
  }
  EXPECT_EQ(topic_tree_probe::nodes(tree), 1u);
}

struct table_node {
  table_node* parent = nullptr;
  std::string level;
};

// The table both tries keep their nodes in: grows, shrinks and erases with backward shifts,
// and must still find every node it holds.
TEST(EdgeTable, FindsEveryNodeThroughGrowthErasureAndShrinking) {
  detail::edge_table<table_node> table;
  table_node root;
  std::mt19937 rng(7);
  std::map<std::pair<const table_node*, std::string>, table_node*> expected;
  std::vector<table_node*> parents = {&root};
  const auto check = [&] {
    ASSERT_EQ(table.size(), expected.size());
    for (const auto& [key, n] : expected) {
      ASSERT_EQ(table.find(key.first, key.second), n);
    }
    EXPECT_EQ(table.find(&root, "absent"), nullptr);
  };

  for (int i = 0; i < 5000; ++i) {
    table_node* parent = parents[rng() % parents.size()];
    const std::string level = std::to_string(rng() % 3000);
    const auto [n, added] = table.find_or_add(parent, level);
    EXPECT_EQ(added, !expected.contains({parent, level}));
    EXPECT_EQ(n->parent, parent);
    EXPECT_EQ(n->level, level);
    expected[{parent, level}] = n;
    if (parents.size() < 50) {
      parents.push_back(n);
    }
  }
  check();

  // Erase everything but the parents, which must stay while they have children.
  const std::set<const table_node*> keep(parents.begin(), parents.end());
  for (auto it = expected.begin(); it != expected.end();) {
    if (!keep.contains(it->second)) {
      table.erase(it->second);
      it = expected.erase(it);
      if (expected.size() % 500 == 0) {
        check();
      }
    } else {
      ++it;
    }
  }
  check();
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

TEST(TopicTree, ReferenceMatcherAgreesWithTheSpecExamples) {
  EXPECT_TRUE(reference_match("sport/#", "sport"));
  EXPECT_TRUE(reference_match("+/+", "/finance"));
  EXPECT_FALSE(reference_match("+", "/finance"));
  EXPECT_FALSE(reference_match("#", "$SYS/x"));
  EXPECT_FALSE(reference_match("sport/+", "sport"));
}

class random_filters {
 public:
  explicit random_filters(std::uint32_t seed) : rng_(seed) {}

  std::string level() { return vocabulary_[pick(vocabulary_.size())]; }

  std::string topic() {
    std::string t = level();
    for (std::size_t n = pick(6); n > 0; --n) {
      t += '/';
      t += level();
    }
    return t;
  }

  std::string filter() {
    std::string f;
    const std::size_t levels = 1 + pick(5);
    for (std::size_t i = 0; i < levels; ++i) {
      if (i > 0) {
        f += '/';
      }
      if (i + 1 == levels && pick(6) == 0) {
        f += '#';
      } else {
        f += pick(5) == 0 ? std::string("+") : level();
      }
    }
    if (pick(10) == 0) {
      return std::string(pick(2) == 0 ? "$share/g1/" : "$share/g2/") + f;
    }
    return f;
  }

  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

 private:
  std::mt19937 rng_;
  std::vector<std::string> vocabulary_ = {"a", "b", "c", "", "$s", "dd"};
};

// What the test believes is subscribed: (filter, owner) -> identifier.
using model = std::map<std::pair<std::string, std::size_t>, std::uint32_t>;

// Returns how many subscriptions matched, so the caller can tell the test is not vacuous.
std::size_t expect_same_matches(topic_tree& tree, const model& subscribed, std::string_view topic) {
  std::size_t matched = 0;
  std::vector<std::uint32_t> want_plain;
  std::map<std::pair<std::string, std::string>, std::vector<std::uint32_t>> want_groups;
  for (const auto& [key, id] : subscribed) {
    std::string_view filter = key.first;
    std::string group;
    if (filter.starts_with("$share/")) {
      filter.remove_prefix(7);
      group = std::string(filter.substr(0, filter.find('/')));
      filter.remove_prefix(group.size() + 1);
    }
    if (!reference_match(filter, topic)) {
      continue;
    }
    ++matched;
    if (group.empty()) {
      want_plain.push_back(id);
    } else {
      want_groups[{group, std::string(filter)}].push_back(id);
    }
  }
  std::sort(want_plain.begin(), want_plain.end());
  std::vector<std::pair<std::string, std::vector<std::uint32_t>>> want;
  for (auto& [key, ids] : want_groups) {
    std::sort(ids.begin(), ids.end());
    want.emplace_back(key.first, ids);
  }
  std::sort(want.begin(), want.end());

  std::vector<std::uint32_t> got_plain;
  std::vector<std::pair<std::string, std::vector<std::uint32_t>>> got;
  tree.match(
      topic, [&](const subscription_entry& e) { got_plain.push_back(e.identifier); },
      [&](shared_group& g) {
        std::vector<std::uint32_t> ids;
        for (const subscription_entry& m : g.members) {
          ids.push_back(m.identifier);
        }
        std::sort(ids.begin(), ids.end());
        got.emplace_back(g.name, ids);
      });
  std::sort(got_plain.begin(), got_plain.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got_plain, want_plain) << "topic " << topic;
  EXPECT_EQ(got, want) << "topic " << topic;
  return matched;
}

TEST(TopicTree, RandomFiltersAgreeWithAReferenceMatcher_MQTT_4_7) {
  random_filters gen(20240601);
  topic_tree tree;
  model subscribed;
  std::uint32_t next_id = 1;
  for (int i = 0; i < 1500; ++i) {
    const std::string filter = gen.filter();
    const std::size_t owner = gen.pick(50);
    const bool is_new = !subscribed.contains({filter, owner});
    EXPECT_EQ(tree.subscribe(filter, entry(owner, next_id)), is_new) << filter;
    subscribed[{filter, owner}] = next_id++;
  }
  EXPECT_EQ(tree.size(), subscribed.size());
  std::size_t matched = 0;
  for (int i = 0; i < 500; ++i) {
    matched += expect_same_matches(tree, subscribed, gen.topic());
  }
  EXPECT_GT(matched, 2000u);

  // Remove about half, plus some that were never there.
  for (int i = 0; i < 1500; ++i) {
    const std::string filter = gen.filter();
    const std::size_t owner = gen.pick(50);
    EXPECT_EQ(tree.unsubscribe(filter, fake_session(owner)), subscribed.erase({filter, owner}) == 1)
        << filter;
  }
  auto it = subscribed.begin();
  while (it != subscribed.end()) {
    if (gen.pick(2) == 0) {
      EXPECT_TRUE(tree.unsubscribe(it->first.first, fake_session(it->first.second)));
      it = subscribed.erase(it);
    } else {
      ++it;
    }
  }
  EXPECT_EQ(tree.size(), subscribed.size());
  for (int i = 0; i < 500; ++i) {
    expect_same_matches(tree, subscribed, gen.topic());
  }

  for (const auto& [key, id] : subscribed) {
    EXPECT_TRUE(tree.unsubscribe(key.first, fake_session(key.second)));
  }
  EXPECT_EQ(tree.size(), 0u);
  EXPECT_EQ(topic_tree_probe::nodes(tree), 1u);
}

}  // namespace
}  // namespace telemq::core
