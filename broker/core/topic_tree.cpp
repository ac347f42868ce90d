#include "broker/core/topic_tree.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "broker/protocol/topic.hpp"

namespace telemq::core {
namespace {

// Beyond this many subscribers on one filter, finding an owner by a linear scan costs more than
// keeping an index; the index is dropped again below half of it.
constexpr std::size_t index_threshold = 32;

// Where a filter places its subscription in the tree: the levels after "$share/{group}/" for a
// shared one. The filter is valid, so a shared one has a group and a filter.
struct filter_target {
  std::optional<protocol::shared_filter> shared;
  std::string_view path;
};

filter_target parse_filter(std::string_view filter) {
  auto shared = protocol::parse_shared_filter(filter);
  const std::string_view path = shared ? shared->filter : filter;
  return {shared, path};
}

}  // namespace

struct topic_tree::owner_index {
  std::unordered_map<const session*, std::size_t> positions;
};

topic_tree::node::node() = default;
topic_tree::node::~node() = default;

std::size_t topic_tree::node::position_of(const session* owner) const {
  if (by_owner) {
    const auto it = by_owner->positions.find(owner);
    return it == by_owner->positions.end() ? subscribers.size() : it->second;
  }
  const auto it = std::find_if(subscribers.begin(), subscribers.end(),
                               [owner](const subscription_entry& e) { return e.owner == owner; });
  return static_cast<std::size_t>(it - subscribers.begin());
}

bool topic_tree::node::add_subscriber(const subscription_entry& entry) {
  if (const std::size_t pos = position_of(entry.owner); pos < subscribers.size()) {
    subscribers[pos] = entry;
    return false;
  }
  subscribers.push_back(entry);
  if (by_owner) {
    by_owner->positions.emplace(entry.owner, subscribers.size() - 1);
  } else if (subscribers.size() > index_threshold) {
    by_owner = std::make_unique<owner_index>();
    by_owner->positions.reserve(subscribers.size());
    for (std::size_t i = 0; i < subscribers.size(); ++i) {
      by_owner->positions.emplace(subscribers[i].owner, i);
    }
  }
  return true;
}

// Plain subscribers have no order to keep, so the last one fills the gap.
bool topic_tree::node::remove_subscriber(const session* owner) {
  const std::size_t pos = position_of(owner);
  if (pos == subscribers.size()) {
    return false;
  }
  if (pos + 1 != subscribers.size()) {
    subscribers[pos] = subscribers.back();
    if (by_owner) {
      by_owner->positions[subscribers[pos].owner] = pos;
    }
  }
  subscribers.pop_back();
  if (by_owner) {
    by_owner->positions.erase(owner);
    if (subscribers.size() < index_threshold / 2) {
      by_owner.reset();
    }
  }
  // Give the memory back once most subscribers of a broadcast topic have left.
  if (subscribers.capacity() > 2 * index_threshold &&
      subscribers.size() < subscribers.capacity() / 4) {
    subscribers.shrink_to_fit();
  }
  return true;
}

bool topic_tree::node::add_member(std::string_view group, const subscription_entry& entry) {
  const auto g = std::find_if(groups.begin(), groups.end(),
                              [group](const shared_group& sg) { return sg.name == group; });
  if (g == groups.end()) {
    groups.push_back(shared_group{std::string(group), {entry}, 0});
    return true;
  }
  const auto m =
      std::find_if(g->members.begin(), g->members.end(),
                   [&entry](const subscription_entry& e) { return e.owner == entry.owner; });
  if (m != g->members.end()) {
    *m = entry;
    return false;
  }
  g->members.push_back(entry);
  return true;
}

bool topic_tree::node::remove_member(std::string_view group, const session* owner) {
  const auto g = std::find_if(groups.begin(), groups.end(),
                              [group](const shared_group& sg) { return sg.name == group; });
  if (g == groups.end()) {
    return false;
  }
  const auto m = std::find_if(g->members.begin(), g->members.end(),
                              [owner](const subscription_entry& e) { return e.owner == owner; });
  if (m == g->members.end()) {
    return false;
  }
  const auto pos = static_cast<std::size_t>(m - g->members.begin());
  g->members.erase(m);
  if (g->members.empty()) {
    groups.erase(g);
    return true;
  }
  // The member that was due next stays due next; past the end the rotation starts over.
  if (pos < g->next) {
    --g->next;
  }
  if (g->next >= g->members.size()) {
    g->next = 0;
  }
  return true;
}

topic_tree::topic_tree() = default;
topic_tree::~topic_tree() = default;

topic_tree::node& topic_tree::child_or_add(node& parent, std::string_view level) {
  const auto [child, added] = nodes_.find_or_add(&parent, level);
  if (added) {
    if (level == "+") {
      parent.plus = child;
    } else if (level == "#") {
      parent.hash = child;
    } else {
      ++parent.literal_children;
    }
  }
  return *child;
}

// Frees n and its ancestors while they hold nothing; the root stays. Bottom-up, so no freed
// node has a child left that points at it.
void topic_tree::prune(node* n) {
  while (n != &root_ && n->empty()) {
    node* parent = n->parent;
    if (parent->plus == n) {
      parent->plus = nullptr;
    } else if (parent->hash == n) {
      parent->hash = nullptr;
    } else {
      --parent->literal_children;
    }
    nodes_.erase(n);
    n = parent;
  }
}

bool topic_tree::subscribe(std::string_view filter, const subscription_entry& entry) {
  const filter_target target = parse_filter(filter);
  node* n = &root_;
  for (detail::level_reader levels{target.path}; !levels.done;) {
    n = &child_or_add(*n, levels.next());
  }
  const bool added =
      target.shared ? n->add_member(target.shared->group, entry) : n->add_subscriber(entry);
  if (added) {
    ++count_;
  }
  return added;
}

bool topic_tree::unsubscribe(std::string_view filter, const session* owner) {
  const filter_target target = parse_filter(filter);
  node* n = &root_;
  for (detail::level_reader levels{target.path}; !levels.done && n;) {
    n = nodes_.find(n, levels.next());
  }
  if (!n) {
    return false;
  }
  const bool removed =
      target.shared ? n->remove_member(target.shared->group, owner) : n->remove_subscriber(owner);
  if (!removed) {
    return false;
  }
  --count_;
  prune(n);
  return true;
}

}  // namespace telemq::core
