#pragma once
// Retained messages by topic, in a trie of topic levels so a wildcard subscription visits only
// the branches its filter can reach. An empty payload never gets here: it is a delete.
//
// Not thread-safe: it belongs to the broker thread.
#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>

#include "broker/core/message.hpp"

namespace telemq::core {

class retained_store {
 public:
  retained_store();
  ~retained_store();
  retained_store(const retained_store&) = delete;
  retained_store& operator=(const retained_store&) = delete;

  // Stores msg under msg->topic, replacing what was there.
  void set(message_ptr msg);
  // Returns true when a message was stored under topic. Prunes empty branches.
  bool erase(std::string_view topic);
  message_ptr find(std::string_view topic) const;

  // Visits every retained message whose topic matches filter (a plain, valid, non-shared
  // filter), following [MQTT-4.7.2-1] for topics starting with '$'. It walks only the branches
  // the filter can reach. visit must not modify the store.
  void match(std::string_view filter, const std::function<void(const message_ptr&)>& visit) const;
  void for_each(const std::function<void(const message_ptr&)>& visit) const;

  std::size_t size() const { return count_; }

 private:
  friend struct retained_store_probe;  // tests count nodes to see that erase prunes

  struct node;
  struct trie;
  std::unique_ptr<trie> trie_;
  std::size_t count_ = 0;

  std::size_t node_count() const;
};

}  // namespace telemq::core
