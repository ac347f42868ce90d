#pragma once
// What one GET /events stream sends, apart from HTTP: the text/event-stream body.
//
// A new stream gets the retained messages its filters match (events without an id: they are
// state, not history), then an "event: live" whose id marks where the live events start, then
// every accepted message as an event with its ring id. A reconnecting EventSource sends the id
// of the last event it saw (Last-Event-ID); when the ring still holds everything after it, the
// stream continues right there, with no retained replay, no gap and no duplicate. When it does
// not, an "event: reset" says so and the stream starts over as a new one (retained, live).
//
// The body is produced in pieces of about `limit` bytes, each when the previous one was written,
// so a slow client holds one piece and its place in the ring, never a queue of its own. A client
// so slow that the ring drops events it has not received yet has fallen behind: the session ends
// the stream, and the client resumes with Last-Event-ID (and gets a reset).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bridge-ws/event_cursor.hpp"
#include "bridge-ws/event_filter.hpp"
#include "bridge-ws/replay_ring.hpp"

namespace telemq::bridge_ws {

// What EventSource is told to wait before reconnecting.
inline constexpr std::chrono::milliseconds sse_retry_delay{1000};

class sse_stream {
 public:
  sse_stream(event_filter filter, replay_ring& ring, const core::broker& broker,
             std::optional<std::uint64_t> last_event_id, core::timestamp now);

  enum class fill_status {
    idle,        // everything available is in out: wait for new events
    more,        // out reached the limit: call again once it is written
    fell_behind  // events this stream still needed have left the ring: end the stream
  };
  // Appends the next piece of the body; stops adding events once out holds limit bytes.
  fill_status fill(replay_ring& ring, std::string& out, std::size_t limit, core::timestamp now);

  bool fell_behind(const replay_ring& ring) const { return cursor_.fell_behind(ring); }

 private:
  event_filter filter_;
  std::string preamble_;  // retry, and the reset notice when there is one
  std::vector<core::message_ptr> retained_;
  std::size_t next_retained_ = 0;
  bool live_marker_pending_ = false;
  event_cursor cursor_;
};

}  // namespace telemq::bridge_ws
