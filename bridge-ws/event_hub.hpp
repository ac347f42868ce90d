#pragma once
// The broker's messages as the HTTP side sees them: the broker's observer feeds every accepted
// message in, the replay ring numbers and keeps it, and every open event stream and waiting
// poll is told that something new arrived. Streams pull what they want from the ring at their
// own pace, so a message costs one ring entry however many streams there are, and a slow stream
// holds no copy of anything.
//
// One hub per broker, shared by its ws:// and wss:// listeners. Broker thread only.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "bridge-ws/replay_ring.hpp"
#include "broker/core/message.hpp"

namespace telemq::bridge_ws {

class event_sink {
 public:
  // New events are in the ring. Called from inside the broker's routing: a sink only takes
  // note (schedules its write) and must not add or remove sinks.
  virtual void on_events() = 0;

 protected:
  ~event_sink() = default;
};

class event_hub {
 public:
  event_hub(replay_limits limits, std::uint64_t first_id);

  void on_message(core::message_ptr msg, core::timestamp now);

  void add(event_sink& sink);
  void remove(event_sink& sink);
  std::size_t sinks() const { return sinks_.size(); }
  // Messages seen since the hub started (the console's messages/s).
  std::uint64_t messages() const { return messages_; }

  replay_ring& ring() { return ring_; }
  const replay_ring& ring() const { return ring_; }

 private:
  replay_ring ring_;
  std::vector<event_sink*> sinks_;
  std::uint64_t messages_ = 0;
};

}  // namespace telemq::bridge_ws
