#pragma once
// A first-in first-out queue on a vector. std::deque would do, but libstdc++'s allocates about
// 600 bytes as soon as it is constructed, and every session and connection holds queues that
// are empty nearly all the time.
#include <cstddef>
#include <utility>
#include <vector>

namespace telemq::core {

template <typename T>
class fifo {
 public:
  bool empty() const { return head_ == items_.size(); }
  std::size_t size() const { return items_.size() - head_; }

  T& front() { return items_[head_]; }
  const T& front() const { return items_[head_]; }
  T& back() { return items_.back(); }
  T& operator[](std::size_t i) { return items_[head_ + i]; }
  const T& operator[](std::size_t i) const { return items_[head_ + i]; }

  void push_back(T item) { items_.push_back(std::move(item)); }

  void pop_front() {
    items_[head_] = T{};
    ++head_;
    if (head_ == items_.size()) {
      clear();
    } else if (head_ >= 64 && head_ * 2 >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

  void clear() {
    items_.clear();
    head_ = 0;
    if (items_.capacity() > 256) {
      items_.shrink_to_fit();
    }
  }

  template <typename Visit>
  void for_each(Visit&& visit) const {
    for (std::size_t i = head_; i < items_.size(); ++i) {
      visit(items_[i]);
    }
  }

 private:
  std::vector<T> items_;
  std::size_t head_ = 0;
};

}  // namespace telemq::core
