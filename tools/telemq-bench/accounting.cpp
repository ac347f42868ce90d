#include "tools/telemq-bench/accounting.hpp"

#include <iterator>

namespace telemq::bench {

delivery_counts& delivery_counts::operator+=(const delivery_counts& other) {
  received += other.received;
  duplicates += other.duplicates;
  reordered += other.reordered;
  lost += other.lost;
  return *this;
}

record_outcome sequence_tracker::record(std::uint32_t sequence) {
  const std::uint64_t seq = sequence;
  if (seq >= next_) {
    if (seq > next_) {
      gaps_.emplace(next_, seq);
    }
    const auto advanced = static_cast<std::uint32_t>(seq + 1 - next_);
    next_ = seq + 1;
    ++counts_.received;
    return {.advanced = advanced};
  }
  auto gap = gaps_.upper_bound(seq);
  if (gap == gaps_.begin() || std::prev(gap)->second <= seq) {
    ++counts_.duplicates;
    return {.duplicate = true};
  }
  --gap;
  const auto [start, end] = *gap;
  gaps_.erase(gap);
  if (start < seq) {
    gaps_.emplace(start, seq);
  }
  if (seq + 1 < end) {
    gaps_.emplace(seq + 1, end);
  }
  ++counts_.received;
  ++counts_.reordered;
  return {};
}

delivery_counts sequence_tracker::finish(std::uint64_t sent) const {
  delivery_counts result = counts_;
  result.lost = sent > counts_.received ? sent - counts_.received : 0;
  return result;
}

}  // namespace telemq::bench
