#pragma once
// A consumer's place in the replay ring: every event up to last_seen() has been looked at. SSE
// streams and long polls both walk the ring with one.
#include <cstdint>

#include "bridge-ws/event_filter.hpp"
#include "bridge-ws/replay_ring.hpp"

namespace telemq::bridge_ws {

class event_cursor {
 public:
  explicit event_cursor(std::uint64_t last_seen) : last_seen_(last_seen) {}

  std::uint64_t last_seen() const { return last_seen_; }
  // Events the consumer has not looked at have left the ring: it cannot go on without a gap.
  bool fell_behind(const replay_ring& ring) const { return !ring.covers(last_seen_); }
  bool at_end(const replay_ring& ring) const { return last_seen_ >= ring.last_id(); }

  // Walks the events after the cursor in order, handing those the filter accepts to take(event),
  // which returns false to stop before that event (it stays unseen). Stops at the end of the
  // ring, or where the consumer fell behind.
  template <typename Take>
  void scan(const replay_ring& ring, const event_filter& filter, core::timestamp now, Take&& take) {
    while (last_seen_ < ring.last_id()) {
      const replay_event* event = ring.find(last_seen_ + 1);
      if (event == nullptr || (filter.accepts(*event->msg, now) && !take(*event))) {
        return;
      }
      ++last_seen_;
    }
  }

 private:
  std::uint64_t last_seen_;
};

}  // namespace telemq::bridge_ws
