#pragma once
// Exact delivery accounting for one subscriber and one publisher stream.
//
// Sequence numbers start at 0 and grow by one per message. A number ahead of the expected one
// opens a gap; a number that later fills a gap is a reordered delivery; a number already seen is
// a duplicate. Gaps are kept as intervals so an in-order stream costs nothing and a lossy QoS 0
// stream costs one entry per burst of loss, not one per lost message.
#include <cstdint>
#include <map>

namespace telemq::bench {

struct delivery_counts {
  std::uint64_t received = 0;  // distinct messages
  std::uint64_t duplicates = 0;
  std::uint64_t reordered = 0;
  std::uint64_t lost = 0;  // filled in by finish()

  delivery_counts& operator+=(const delivery_counts& other);
};

struct record_outcome {
  bool duplicate = false;
  // How far the frontier (highest sequence seen + 1) moved. Publishers use the sum of these as
  // their delivery window, so a lost message skipped over never blocks a publisher.
  std::uint32_t advanced = 0;
};

class sequence_tracker {
 public:
  record_outcome record(std::uint32_t sequence);

  // `sent` is how many messages the publisher sent; whatever was not received is lost.
  delivery_counts finish(std::uint64_t sent) const;

 private:
  std::uint64_t next_ = 0;  // every sequence below this was either received or is in gaps_
  std::map<std::uint64_t, std::uint64_t> gaps_;  // start -> end (exclusive)
  delivery_counts counts_;
};

}  // namespace telemq::bench
