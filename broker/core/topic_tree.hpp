#pragma once
// The subscription index: topic filters to the sessions subscribed with them. Matching a topic
// walks one trie level per topic level and allocates nothing. Shared subscriptions
// ($share/GROUP/FILTER) live under their filter as groups; the caller picks a member.
//
// Not thread-safe: it belongs to the broker thread.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
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
  template <typename OnSubscriber, typename OnGroup>
  void match(std::string_view topic, OnSubscriber&& on_subscriber, OnGroup&& on_group);

  std::size_t size() const { return count_; }  // subscriptions, shared members included

 private:
  struct node;
  std::unique_ptr<node> root_;
  std::size_t count_ = 0;

  // Helpers that keep the template in the header small.
  template <typename OnSubscriber, typename OnGroup>
  void match_level(node& n, std::string_view rest, bool at_end, bool first_level,
                   bool dollar_topic, OnSubscriber& on_subscriber, OnGroup& on_group);

 public:
  // Implementation detail exposed for the template below.
  struct node {
    std::unordered_map<std::string, std::unique_ptr<node>, std::hash<std::string>,
                       std::equal_to<>>
        children;
    std::unique_ptr<node> plus;   // '+'
    std::unique_ptr<node> hash;   // '#'
    std::vector<subscription_entry> subscribers;
    std::vector<shared_group> groups;
    bool empty() const {
      return children.empty() && !plus && !hash && subscribers.empty() && groups.empty();
    }
  };
};

}  // namespace telemq::core

#include "broker/core/topic_tree_match.hpp"
