#pragma once
// The recent messages of the broker, numbered: the memory that lets an event stream resume
// where it broke off (SSE Last-Event-ID, /poll's after=) and lets a slow stream lag behind
// without a buffer of its own. Ids increase by one per message, so an id locates its event in
// constant time.
//
// Bounded by count, age and bytes, whichever is hit first; the oldest events go. A client whose
// next event has gone is told so (covers() is false) rather than silently skipped ahead.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

#include "broker/core/message.hpp"

namespace telemq::bridge_ws {

struct replay_limits {
  std::size_t max_events = 10'000;
  std::chrono::seconds max_age{300};
  // Topic and payload bytes, plus their JSON once a stream has asked for it.
  std::size_t max_bytes = 64 * 1024 * 1024;

  bool operator==(const replay_limits&) const = default;
};

struct replay_event {
  std::uint64_t id = 0;
  core::timestamp received;
  core::message_ptr msg;
  std::string json;  // empty until first needed (replay_ring::json)
};

class replay_ring {
 public:
  // first_id: the id the first message gets.
  replay_ring(replay_limits limits, std::uint64_t first_id);

  void push(core::message_ptr msg, core::timestamp now);
  // Drops events older than max_age (push does it too).
  void prune(core::timestamp now);

  // The newest event's id; first_id - 1 before any.
  std::uint64_t last_id() const { return next_id_ - 1; }
  // The oldest event held; last_id() + 1 when none is.
  std::uint64_t oldest_id() const { return next_id_ - events_.size(); }
  // Whether a client that saw every event up to last_seen can be given everything after it: its
  // next event is still held (or has not happened yet). An id this ring never gave (from before
  // a restart, or ahead of it) is not covered.
  bool covers(std::uint64_t last_seen) const {
    return last_seen <= last_id() && last_seen + 1 >= oldest_id();
  }
  // Null when the event is not held.
  const replay_event* find(std::uint64_t id) const;
  // The event's JSON, encoded once and kept with it.
  const std::string& json(const replay_event& event);

  // Grows each limit to at least the one given (listeners share one ring).
  void widen(const replay_limits& limits);
  const replay_limits& limits() const { return limits_; }
  std::size_t size() const { return events_.size(); }
  std::size_t bytes() const { return bytes_; }

 private:
  static std::size_t cost(const replay_event& event);
  void drop_oldest();
  void enforce(core::timestamp now);

  replay_limits limits_;
  std::deque<replay_event> events_;
  std::uint64_t next_id_;
  std::size_t bytes_ = 0;
};

}  // namespace telemq::bridge_ws
