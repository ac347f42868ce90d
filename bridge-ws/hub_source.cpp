#include <chrono>

#include "bridge-ws/listener_state.hpp"
#include "broker/core/broker.hpp"

namespace telemq::bridge_ws {

std::shared_ptr<event_hub> hub_source::hub_for(core::broker& broker, const replay_limits& limits) {
  // A live hub means a live listener of its broker, so an equal address is the same broker.
  if (auto hub = hub_.lock(); hub && broker_ == &broker) {
    hub->ring().widen(limits);
    return hub;
  }
  // Ids start at the start time in microseconds: a Last-Event-ID from an earlier run of the
  // broker is then below every id of this one (unless that run averaged a million messages a
  // second), so it gets a reset instead of someone else's events.
  const auto first_id =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     core::clock_type::now().time_since_epoch())
                                     .count());
  auto hub = std::make_shared<event_hub>(limits, first_id);
  broker.add_observer([weak = std::weak_ptr<event_hub>(hub)](const core::message_ptr& msg) {
    if (auto alive = weak.lock()) {
      alive->on_message(msg, core::clock_type::now());
    }
  });
  broker_ = &broker;
  hub_ = hub;
  return hub;
}

}  // namespace telemq::bridge_ws
