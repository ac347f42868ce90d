#include "broker/admin/topic_top.hpp"

#include <algorithm>
#include <cmath>

namespace telemq::admin {
namespace {

// Scores grow with the weight; before they could overflow, everything is scaled back down.
constexpr double rescale_above = 1e150;

}  // namespace

topic_top::topic_top(std::size_t capacity) : capacity_(capacity) {
  slots_.reserve(capacity);
  heap_.reserve(capacity);
}

void topic_top::place(std::size_t index, element* e) {
  heap_[index] = e;
  e->second.heap_index = index;
}

void topic_top::sift_up(std::size_t index) {
  element* e = heap_[index];
  while (index > 0) {
    const std::size_t parent = (index - 1) / 2;
    if (heap_[parent]->second.score <= e->second.score) {
      break;
    }
    place(index, heap_[parent]);
    index = parent;
  }
  place(index, e);
}

void topic_top::sift_down(std::size_t index) {
  element* e = heap_[index];
  const std::size_t n = heap_.size();
  while (true) {
    std::size_t child = 2 * index + 1;
    if (child >= n) {
      break;
    }
    if (child + 1 < n && heap_[child + 1]->second.score < heap_[child]->second.score) {
      ++child;
    }
    if (e->second.score <= heap_[child]->second.score) {
      break;
    }
    place(index, heap_[child]);
    index = child;
  }
  place(index, e);
}

void topic_top::count(std::string_view topic) {
  if (capacity_ == 0) {
    return;
  }
  if (auto it = slots_.find(topic); it != slots_.end()) {
    it->second.score += weight_;
    sift_down(it->second.heap_index);
    return;
  }
  if (heap_.size() < capacity_) {
    auto [it, inserted] = slots_.emplace(std::string(topic), slot{weight_, 0, heap_.size()});
    heap_.push_back(&*it);
    sift_up(heap_.size() - 1);
    return;
  }
  // Replace the least busy topic, reusing its node so a steady stream of new topics does not
  // allocate for every message.
  auto node = slots_.extract(heap_[0]->first);
  node.key() = topic;
  const double inherited = node.mapped().score;
  node.mapped() = slot{inherited + weight_, inherited, 0};
  auto result = slots_.insert(std::move(node));
  place(0, &*result.position);
  sift_down(0);
}

void topic_top::advance(std::chrono::duration<double> elapsed) {
  weight_ *= std::exp(elapsed.count() / std::chrono::duration<double>(time_constant).count());
  if (weight_ > rescale_above) {
    for (auto& [topic, s] : slots_) {
      s.score /= weight_;
      s.error /= weight_;
    }
    weight_ = 1.0;
  }
}

std::vector<topic_top::entry> topic_top::top(std::size_t n) const {
  const double seconds = std::chrono::duration<double>(time_constant).count();
  std::vector<entry> all;
  all.reserve(slots_.size());
  for (const auto& [topic, s] : slots_) {
    all.push_back({topic, (s.score - s.error) / weight_ / seconds, s.error / weight_ / seconds});
  }
  const std::size_t keep = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(),
                    [](const entry& a, const entry& b) {
                      return a.rate != b.rate ? a.rate > b.rate : a.topic < b.topic;
                    });
  all.resize(keep);
  return all;
}

}  // namespace telemq::admin
