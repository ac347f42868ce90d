#pragma once
// The subscription index: topic filters to the sessions subscribed with them. Matching a topic
// walks one trie level per topic level and allocates nothing. Shared subscriptions
// ($share/GROUP/FILTER) live under their filter as groups; the caller picks a member.
//
// Not thread-safe: it belongs to the broker thread.
// Stack depth: match recurses once per '+' level on the path it follows, so it is bounded by
// the deepest filter (broker_limits::max_topic_levels); nothing else recurses.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker/protocol/packets.hpp"

namespace telemq::core {

class session;

struct subscription_entry {
  session* owner = nullptr;
  protocol::subscribe_options options;
  std::uint32_t identifier = 0;  // 5.0 Subscription Identifier; 0 when none
};

struct shared_group {
  std::string name;
  std::vector<subscription_entry> members;  // in subscription order
  std::size_t next = 0;                     // round-robin cursor, kept by the caller
};

namespace detail {

// The nodes of a topic trie, all in one open-addressing hash table keyed by (parent, level),
// rather than a table of children in each node: a node carries no table of its own, looking up
// a level touches one slot and the node itself, and the table owns every node, so freeing a
// trie never recurses. Node needs `Node* parent` and `std::string level`.
template <typename Node>
class edge_table {
 public:
  Node* find(const Node* parent, std::string_view level) const {
    if (size_ == 0) {
      return nullptr;
    }
    const std::uint64_t h = hash(parent, level);
    for (std::size_t i = home(h);; i = (i + 1) & mask()) {
      const slot& s = slots_[i];
      if (!s.node) {
        return nullptr;
      }
      if (s.hash == h && s.node->parent == parent && s.node->level == level) {
        return s.node.get();
      }
    }
  }

  // Returns the child of parent at level and whether it was just created.
  std::pair<Node*, bool> find_or_add(Node* parent, std::string_view level) {
    if (Node* existing = find(parent, level)) {
      return {existing, false};
    }
    auto added = std::make_unique<Node>();
    added->parent = parent;
    added->level = level;
    if (2 * (size_ + 1) > slots_.size()) {
      rehash(std::max<std::size_t>(16, 2 * slots_.size()));
    }
    Node* result = added.get();
    place(hash(parent, level), std::move(added));
    ++size_;
    return {result, true};
  }

  // Frees n, which must have no children left.
  void erase(const Node* n) {
    std::size_t i = home(hash(n->parent, n->level));
    while (slots_[i].node.get() != n) {
      i = (i + 1) & mask();
    }
    // Backward-shift deletion: entries after the gap that may live in it move up, so every
    // entry stays reachable from its home slot without tombstones.
    for (std::size_t j = (i + 1) & mask(); slots_[j].node; j = (j + 1) & mask()) {
      const std::size_t h = home(slots_[j].hash);
      const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
      if (!stays) {
        slots_[i] = std::move(slots_[j]);
        i = j;
      }
    }
    slots_[i] = slot{};
    --size_;
    if (slots_.size() > 16 && 8 * size_ < slots_.size()) {
      rehash(slots_.size() / 2);  // give memory back after mass unsubscribes
    }
  }

  std::size_t size() const { return size_; }

 private:
  struct slot {
    std::uint64_t hash = 0;
    std::unique_ptr<Node> node;  // null when the slot is free
  };

  // Levels are short, so a few multiply-rotate rounds over 8-byte words, inlined, cost less
  // than a call to the library's general-purpose string hash on every probe.
  static std::uint64_t hash(const Node* parent, std::string_view level) {
    constexpr std::uint64_t k = 0x9e3779b97f4a7c15ULL;
    std::uint64_t h = (reinterpret_cast<std::uintptr_t>(parent) * k) ^ level.size();
    const char* p = level.data();
    std::size_t n = level.size();
    for (; n >= 8; n -= 8, p += 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      h = std::rotl((h ^ word) * k, 29);
    }
    std::uint64_t tail = 0;
    for (; n > 0; --n, ++p) {
      tail = (tail << 8) | static_cast<unsigned char>(*p);
    }
    return (h ^ tail) * k;
  }

  std::size_t mask() const { return slots_.size() - 1; }
  // The top bits of the hash pick the slot: the multiplications leave them the best mixed.
  std::size_t home(std::uint64_t h) const { return static_cast<std::size_t>(h >> shift_); }

  void place(std::uint64_t h, std::unique_ptr<Node> n) {
    std::size_t i = home(h);
    while (slots_[i].node) {
      i = (i + 1) & mask();
    }
    slots_[i] = slot{h, std::move(n)};
  }

  // capacity is a power of two and more than twice size_.
  void rehash(std::size_t capacity) {
    std::vector<slot> old = std::exchange(slots_, std::vector<slot>(capacity));
    shift_ = 64 - static_cast<unsigned>(std::countr_zero(capacity));
    for (slot& s : old) {
      if (s.node) {
        place(s.hash, std::move(s.node));
      }
    }
  }

  std::vector<slot> slots_;  // a power of two in size, at most half full
  std::size_t size_ = 0;
  unsigned shift_ = 64;
};

// Reads a topic or a filter one level at a time. An empty level is a real level ("a//b" has
// three, "a/" two), so the end is a flag rather than an empty remainder.
struct level_reader {
  std::string_view rest;
  bool done = false;

  std::string_view next() {
    const std::size_t slash = rest.find('/');
    const std::string_view level = rest.substr(0, slash);
    if (slash == std::string_view::npos) {
      done = true;
      rest = {};
    } else {
      rest.remove_prefix(slash + 1);
    }
    return level;
  }
};

}  // namespace detail

class topic_tree {
 public:
  topic_tree();
  ~topic_tree();
  topic_tree(const topic_tree&) = delete;
  topic_tree& operator=(const topic_tree&) = delete;

  // Adds or replaces entry.owner's subscription to filter (which may be $share/GROUP/FILTER).
  // Returns true when the owner had no subscription to this exact filter before.
  // The filter must already be valid (protocol::validate_topic_filter).
  bool subscribe(std::string_view filter, const subscription_entry& entry);

  // Returns true when owner had a subscription to this exact filter.
  bool unsubscribe(std::string_view filter, const session* owner);

  // Calls on_subscriber(const subscription_entry&) for every plain subscription whose filter
  // matches topic, and on_group(shared_group&) for every shared group with a matching filter.
  // Follows [MQTT-4.7.2-1]: filters starting with '+' or '#' do not match topics starting
  // with '$'. An owner subscribed with several matching filters is reported once per filter.
  // The callbacks must not subscribe or unsubscribe.
  template <typename OnSubscriber, typename OnGroup>
  void match(std::string_view topic, OnSubscriber&& on_subscriber, OnGroup&& on_group);

  std::size_t size() const { return count_; }  // subscriptions, shared members included

 private:
  friend struct topic_tree_probe;  // tests count nodes to see that unsubscribe prunes

  struct owner_index;

  // One filter level. The wildcard children are nodes like any other but are also linked
  // here, so matching a topic level costs one table probe plus two pointer tests. The fields
  // a probe reads come first.
  struct node {
    node* parent = nullptr;
    std::string level;
    node* plus = nullptr;  // the '+' child
    node* hash = nullptr;  // the '#' child
    std::size_t literal_children = 0;
    std::vector<subscription_entry> subscribers;
    // Position of each owner in subscribers, kept only while a filter has many subscribers
    // (a broadcast topic every device listens to) so subscribe and unsubscribe stay O(1) there.
    std::unique_ptr<owner_index> by_owner;
    std::vector<shared_group> groups;

    node();
    ~node();
    node(const node&) = delete;
    node& operator=(const node&) = delete;

    bool empty() const {
      return !plus && !hash && literal_children == 0 && subscribers.empty() && groups.empty();
    }
    bool add_subscriber(const subscription_entry& entry);
    bool remove_subscriber(const session* owner);
    bool add_member(std::string_view group, const subscription_entry& entry);
    bool remove_member(std::string_view group, const session* owner);

   private:
    std::size_t position_of(const session* owner) const;  // subscribers.size() when absent
  };

  node root_;
  detail::edge_table<node> nodes_;  // every node but the root
  std::size_t count_ = 0;

  node& child_or_add(node& parent, std::string_view level);
  void prune(node* n);

  template <typename OnSubscriber, typename OnGroup>
  void match_from(node& start, detail::level_reader levels, OnSubscriber& on_subscriber,
                  OnGroup& on_group);
  template <typename OnSubscriber, typename OnGroup>
  static void report(node& n, OnSubscriber& on_subscriber, OnGroup& on_group);
};

}  // namespace telemq::core

#include "broker/core/topic_tree_match.hpp"
