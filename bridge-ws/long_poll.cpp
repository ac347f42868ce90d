#include "bridge-ws/long_poll.hpp"

#include "bridge-ws/event_json.hpp"

namespace telemq::bridge_ws {

namespace {

std::string body(std::string_view events, std::uint64_t last_id, bool reset) {
  return "{\"events\":[" + std::string(events) + "],\"last_id\":" + std::to_string(last_id) +
         ",\"reset\":" + (reset ? "true" : "false") + "}";
}

std::uint64_t opening_position(replay_ring& ring, std::optional<std::uint64_t> after,
                               core::timestamp now) {
  ring.prune(now);
  return after.value_or(ring.last_id());
}

}  // namespace

long_poll::long_poll(event_filter filter, replay_ring& ring, std::optional<std::uint64_t> after,
                     std::size_t max_events, core::timestamp now)
    : filter_(std::move(filter)),
      max_events_(max_events),
      cursor_(opening_position(ring, after, now)),
      first_(!after) {}

std::optional<std::string> long_poll::answer(replay_ring& ring, const core::broker& broker,
                                             core::timestamp now) {
  if (first_ || cursor_.fell_behind(ring)) {
    return snapshot(ring, broker, !first_, now);
  }
  std::string events;
  std::size_t count = 0;
  cursor_.scan(ring, filter_, now, [&](const replay_event& event) {
    if (count == max_events_) {
      return false;
    }
    if (count++ > 0) {
      events += ',';
    }
    events += ring.json(event);
    return true;
  });
  if (count == 0) {
    return std::nullopt;
  }
  return body(events, cursor_.last_seen(), false);
}

std::string long_poll::timeout_answer() const {
  return body({}, cursor_.last_seen(), false);
}

std::string long_poll::snapshot(const replay_ring& ring, const core::broker& broker, bool reset,
                                core::timestamp now) const {
  std::string events;
  for (const auto& msg : filter_.retained(broker, now)) {
    if (!events.empty()) {
      events += ',';
    }
    events += encode_event_json(*msg, std::nullopt, std::nullopt);
  }
  return body(events, ring.last_id(), reset);
}

}  // namespace telemq::bridge_ws
