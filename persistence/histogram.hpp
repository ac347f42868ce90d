#pragma once
// A histogram that the SQLite writer thread records into and the broker thread reads without
// taking the store's lock: one atomic counter per bucket. Readings are cumulative per upper
// bound, as Prometheus wants them.
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace telemq::persistence {

struct histogram_snapshot {
  std::vector<std::uint64_t> upper_bounds;  // ascending
  // cumulative[i]: values <= upper_bounds[i]; the values above the last bound count in count only.
  std::vector<std::uint64_t> cumulative;
  std::uint64_t count = 0;
  std::uint64_t sum = 0;
};

class atomic_histogram {
 public:
  // Ascending upper bounds, in the unit the values are recorded in.
  atomic_histogram(std::initializer_list<std::uint64_t> upper_bounds);

  // Wait-free; one writer or many.
  void record(std::uint64_t value);
  // Each counter is read once, so the buckets and count agree with each other; the sum may
  // include a value recorded while the buckets were read.
  histogram_snapshot read() const;

 private:
  std::vector<std::uint64_t> bounds_;
  std::vector<std::atomic<std::uint64_t>> counts_;  // one per bound, then one above them all
  std::atomic<std::uint64_t> sum_{0};
};

}  // namespace telemq::persistence
