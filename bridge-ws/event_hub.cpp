#include "bridge-ws/event_hub.hpp"

#include <algorithm>

namespace telemq::bridge_ws {

event_hub::event_hub(replay_limits limits, std::uint64_t first_id) : ring_(limits, first_id) {}

void event_hub::on_message(core::message_ptr msg, core::timestamp now) {
  ring_.push(std::move(msg), now);
  ++messages_;
  for (event_sink* sink : sinks_) {
    sink->on_events();
  }
}

void event_hub::add(event_sink& sink) {
  sinks_.push_back(&sink);
}

void event_hub::remove(event_sink& sink) {
  const auto it = std::find(sinks_.begin(), sinks_.end(), &sink);
  if (it != sinks_.end()) {
    *it = sinks_.back();
    sinks_.pop_back();
  }
}

}  // namespace telemq::bridge_ws
