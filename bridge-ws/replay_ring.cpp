#include "bridge-ws/replay_ring.hpp"

#include <algorithm>

#include "bridge-ws/event_json.hpp"

namespace telemq::bridge_ws {

replay_ring::replay_ring(replay_limits limits, std::uint64_t first_id)
    : limits_(limits), next_id_(first_id) {}

std::size_t replay_ring::cost(const replay_event& event) {
  return event.msg->topic.size() + event.msg->payload.size() + event.json.size();
}

void replay_ring::push(core::message_ptr msg, core::timestamp now) {
  events_.push_back(replay_event{next_id_++, now, std::move(msg), {}});
  bytes_ += cost(events_.back());
  enforce(now);
}

void replay_ring::prune(core::timestamp now) {
  enforce(now);
}

void replay_ring::enforce(core::timestamp now) {
  // The newest event always stays, whatever its size, so that last_id() is held when any is.
  while (events_.size() > 1 &&
         (events_.size() > limits_.max_events || bytes_ > limits_.max_bytes)) {
    drop_oldest();
  }
  const auto horizon = now - limits_.max_age;
  while (!events_.empty() && events_.front().received < horizon) {
    drop_oldest();
  }
}

void replay_ring::drop_oldest() {
  bytes_ -= cost(events_.front());
  events_.pop_front();
}

const replay_event* replay_ring::find(std::uint64_t id) const {
  if (id < oldest_id() || id > last_id()) {
    return nullptr;
  }
  return &events_[id - oldest_id()];
}

const std::string& replay_ring::json(const replay_event& event) {
  // Events are only handed out by find(), so the id locates the one the caller holds.
  auto& held = events_[event.id - oldest_id()];
  if (held.json.empty()) {
    held.json = encode_event_json(*held.msg, held.id, held.received);
    bytes_ += held.json.size();
  }
  return held.json;
}

void replay_ring::widen(const replay_limits& limits) {
  limits_.max_events = std::max(limits_.max_events, limits.max_events);
  limits_.max_age = std::max(limits_.max_age, limits.max_age);
  limits_.max_bytes = std::max(limits_.max_bytes, limits.max_bytes);
}

}  // namespace telemq::bridge_ws
