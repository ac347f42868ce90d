#pragma once
// What GET /poll answers, apart from HTTP: the long-polling twin of sse_stream, with the same
// ids and event JSON, for clients that cannot keep a stream open.
//
//   {"events":[...],"last_id":N,"reset":false}
//
// A first poll (no after=) answers at once with the retained messages and the id to poll after.
// A poll after=ID answers as soon as the ring holds accepted events after ID (at most
// max_events), else the session waits for new ones and, at its timeout, answers with no events
// and the id reached, so the next poll does not look at the same events again. An ID whose
// successors have left the ring gets "reset":true with the retained messages, like a first poll.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "bridge-ws/event_cursor.hpp"
#include "bridge-ws/event_filter.hpp"
#include "bridge-ws/replay_ring.hpp"

namespace telemq::bridge_ws {

class long_poll {
 public:
  long_poll(event_filter filter, replay_ring& ring, std::optional<std::uint64_t> after,
            std::size_t max_events, core::timestamp now);

  // The response body when there is something to answer, else nothing: wait for new events.
  std::optional<std::string> answer(replay_ring& ring, const core::broker& broker,
                                    core::timestamp now);
  // The answer when the wait is over without events.
  std::string timeout_answer() const;

 private:
  std::string snapshot(const replay_ring& ring, const core::broker& broker, bool reset,
                       core::timestamp now) const;

  event_filter filter_;
  std::size_t max_events_;
  event_cursor cursor_;
  bool first_ = false;  // no after=: answer with the retained messages
};

}  // namespace telemq::bridge_ws
