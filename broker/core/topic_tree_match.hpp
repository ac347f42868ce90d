#pragma once
// topic_tree::match, a template so the callbacks inline into the walk. Included at the end of
// topic_tree.hpp; include that header instead.
#include "broker/core/topic_tree.hpp"

namespace telemq::core {

template <typename OnSubscriber, typename OnGroup>
void topic_tree::match(std::string_view topic, OnSubscriber&& on_subscriber, OnGroup&& on_group) {
  detail::level_reader levels{topic};
  if (!topic.starts_with('$')) {
    match_from(root_, levels, on_subscriber, on_group);
    return;
  }
  // [MQTT-4.7.2-1]: only filters that spell out the first level reach a '$' topic, so the
  // root's wildcards are skipped.
  if (node* first = nodes_.find(&root_, levels.next())) {
    match_from(*first, levels, on_subscriber, on_group);
  }
}

// Follows the exact level in a loop and recurses only into '+', so the recursion is as deep as
// the number of '+' levels on the path. Each node is visited at most once per topic.
template <typename OnSubscriber, typename OnGroup>
void topic_tree::match_from(node& start, detail::level_reader levels, OnSubscriber& on_subscriber,
                            OnGroup& on_group) {
  node* n = &start;
  for (;;) {
    // '#' matches the level it hangs from as well as everything below it.
    if (n->hash) {
      report(*n->hash, on_subscriber, on_group);
    }
    if (levels.done) {
      report(*n, on_subscriber, on_group);
      return;
    }
    const std::string_view level = levels.next();
    if (n->plus) {
      match_from(*n->plus, levels, on_subscriber, on_group);
    }
    if (n->literal_children == 0) {
      return;
    }
    n = nodes_.find(n, level);
    if (!n) {
      return;
    }
  }
}

template <typename OnSubscriber, typename OnGroup>
void topic_tree::report(node& n, OnSubscriber& on_subscriber, OnGroup& on_group) {
  for (const subscription_entry& entry : n.subscribers) {
    on_subscriber(entry);
  }
  for (shared_group& group : n.groups) {
    on_group(group);
  }
}

}  // namespace telemq::core
