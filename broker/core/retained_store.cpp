#include "broker/core/retained_store.hpp"

#include "broker/core/topic_tree.hpp"

namespace telemq::core {
namespace {
using visitor = std::function<void(const message_ptr&)>;
}  // namespace

// One topic level. The trie's table owns it; the sibling links let '+' and '#' walk the
// children of a level, and with the parent link they make every walk need neither recursion
// nor a stack, however deep the topics.
struct retained_store::node {
  node* parent = nullptr;
  std::string level;
  node* first_child = nullptr;
  node* next_sibling = nullptr;
  node* prev_sibling = nullptr;
  message_ptr msg;

  bool empty() const { return !first_child && !msg; }
};

struct retained_store::trie {
  node root;
  detail::edge_table<node> nodes;  // every node but the root

  node& child_or_add(node& parent, std::string_view level) {
    const auto [child, added] = nodes.find_or_add(&parent, level);
    if (added) {
      child->next_sibling = parent.first_child;
      if (parent.first_child) {
        parent.first_child->prev_sibling = child;
      }
      parent.first_child = child;
    }
    return *child;
  }

  // Frees n and its ancestors while they hold nothing; the root stays.
  void prune(node* n) {
    while (n != &root && n->empty()) {
      node* parent = n->parent;
      if (n->prev_sibling) {
        n->prev_sibling->next_sibling = n->next_sibling;
      } else {
        parent->first_child = n->next_sibling;
      }
      if (n->next_sibling) {
        n->next_sibling->prev_sibling = n->prev_sibling;
      }
      nodes.erase(n);
      n = parent;
    }
  }

  // Calls f(node) for every node below top. At the root, skip_dollar leaves out the '$' topics
  // [MQTT-4.7.2-1].
  template <typename F>
  static void for_each_below(const node& top, bool skip_dollar, F&& f) {
    for (const node* c = top.first_child; c; c = c->next_sibling) {
      if (!(skip_dollar && c->level.starts_with('$'))) {
        f(*c);
        for_each_descendant(*c, f);
      }
    }
  }

  // Depth first along the links: down to the first child, else on to the next sibling, else
  // back up to the nearest ancestor below top that has one.
  template <typename F>
  static void for_each_descendant(const node& top, F& f) {
    const node* n = top.first_child;
    while (n) {
      f(*n);
      if (n->first_child) {
        n = n->first_child;
        continue;
      }
      while (n != &top && !n->next_sibling) {
        n = n->parent;
      }
      n = n == &top ? nullptr : n->next_sibling;
    }
  }

  static void visit_below(const node& top, bool skip_dollar, const visitor& visit) {
    for_each_below(top, skip_dollar, [&visit](const node& n) {
      if (n.msg) {
        visit(n.msg);
      }
    });
  }

  // Follows the filter's levels from start; recursion happens per '+' level only.
  void match(const node& start, detail::level_reader filter, const visitor& visit) const {
    const node* n = &start;
    for (;;) {
      const bool at_root = n == &root;
      if (filter.done) {
        if (n->msg) {
          visit(n->msg);
        }
        return;
      }
      const std::string_view level = filter.next();
      if (level == "#") {
        // '#' matches the level it hangs from as well as everything below it.
        if (n->msg) {
          visit(n->msg);
        }
        visit_below(*n, at_root, visit);
        return;
      }
      if (level == "+") {
        for (const node* c = n->first_child; c; c = c->next_sibling) {
          if (!(at_root && c->level.starts_with('$'))) {
            match(*c, filter, visit);
          }
        }
        return;
      }
      n = nodes.find(n, level);
      if (!n) {
        return;
      }
    }
  }
};

retained_store::retained_store() : trie_(std::make_unique<trie>()) {}
retained_store::~retained_store() = default;

void retained_store::set(message_ptr msg) {
  node* n = &trie_->root;
  for (detail::level_reader levels{msg->topic}; !levels.done;) {
    n = &trie_->child_or_add(*n, levels.next());
  }
  if (!n->msg) {
    ++count_;
  }
  n->msg = std::move(msg);
}

bool retained_store::erase(std::string_view topic) {
  node* n = &trie_->root;
  for (detail::level_reader levels{topic}; !levels.done && n;) {
    n = trie_->nodes.find(n, levels.next());
  }
  if (!n || !n->msg) {
    return false;
  }
  n->msg.reset();
  --count_;
  trie_->prune(n);
  return true;
}

message_ptr retained_store::find(std::string_view topic) const {
  const node* n = &trie_->root;
  for (detail::level_reader levels{topic}; !levels.done && n;) {
    n = trie_->nodes.find(n, levels.next());
  }
  return n ? n->msg : nullptr;
}

void retained_store::match(std::string_view filter, const visitor& visit) const {
  trie_->match(trie_->root, detail::level_reader{filter}, visit);
}

void retained_store::for_each(const visitor& visit) const {
  trie::visit_below(trie_->root, false, visit);
}

std::size_t retained_store::node_count() const {
  return trie_->nodes.size() + 1;
}

}  // namespace telemq::core
