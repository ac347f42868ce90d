#include "tools/telemq-bench/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace telemq::bench {

int histogram::bucket_of(std::uint64_t value) {
  if (value < 2 * half) {
    return static_cast<int>(value);
  }
  const int shift = std::bit_width(value) - linear_bits;
  return shift * half + static_cast<int>(value >> shift);
}

std::uint64_t histogram::upper_edge(int bucket) {
  if (bucket < 2 * half) {
    return static_cast<std::uint64_t>(bucket);
  }
  const int shift = bucket / half - 1;
  const auto mantissa = static_cast<std::uint64_t>(bucket - shift * half);
  return ((mantissa + 1) << shift) - 1;
}

void histogram::record(std::int64_t nanoseconds) {
  // A negative latency can only be clock noise between two reads of one steady clock.
  const auto value = static_cast<std::uint64_t>(std::max<std::int64_t>(nanoseconds, 0));
  ++buckets_[static_cast<std::size_t>(bucket_of(value))];
  ++count_;
  max_ = std::max(max_, static_cast<std::int64_t>(value));
}

void histogram::merge(const histogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    buckets_[i] += other.buckets_[i];
  }
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

std::int64_t histogram::percentile(double quantile) const {
  if (count_ == 0) {
    return 0;
  }
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(quantile * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      return std::min(static_cast<std::int64_t>(upper_edge(static_cast<int>(i))), max_);
    }
  }
  return max_;
}

}  // namespace telemq::bench
