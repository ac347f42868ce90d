#include "persistence/histogram.hpp"

#include <algorithm>

namespace telemq::persistence {

atomic_histogram::atomic_histogram(std::initializer_list<std::uint64_t> upper_bounds)
    : bounds_(upper_bounds), counts_(bounds_.size() + 1) {}

void atomic_histogram::record(std::uint64_t value) {
  const auto bucket = static_cast<std::size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

histogram_snapshot atomic_histogram::read() const {
  histogram_snapshot out;
  out.upper_bounds = bounds_;
  out.cumulative.reserve(bounds_.size());
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    out.count += counts_[i].load(std::memory_order_relaxed);
    if (i < bounds_.size()) {
      out.cumulative.push_back(out.count);
    }
  }
  out.sum = sum_.load(std::memory_order_relaxed);
  return out;
}

}  // namespace telemq::persistence
