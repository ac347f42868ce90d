#include "bridge-ws/sse_stream.hpp"

#include "bridge-ws/event_json.hpp"
#include "bridge-ws/sse_format.hpp"

namespace telemq::bridge_ws {

namespace {

// Prunes first, so that an old Last-Event-ID is judged against what the ring holds now.
std::uint64_t opening_position(replay_ring& ring, std::optional<std::uint64_t> last_event_id,
                               core::timestamp now) {
  ring.prune(now);
  return last_event_id && ring.covers(*last_event_id) ? *last_event_id : ring.last_id();
}

}  // namespace

sse_stream::sse_stream(event_filter filter, replay_ring& ring, const core::broker& broker,
                       std::optional<std::uint64_t> last_event_id, core::timestamp now)
    : filter_(std::move(filter)), cursor_(opening_position(ring, last_event_id, now)) {
  append_sse_retry(preamble_, sse_retry_delay);
  if (last_event_id && cursor_.last_seen() == *last_event_id) {
    return;  // a resumed stream: it has the state and continues where it broke off
  }
  if (last_event_id) {
    append_sse_event(preamble_,
                     "{\"last_event_id\":" + std::to_string(*last_event_id) +
                         ",\"oldest_id\":" + std::to_string(ring.oldest_id()) + "}",
                     std::nullopt, "reset");
  }
  retained_ = filter_.retained(broker, now);
  live_marker_pending_ = true;
}

sse_stream::fill_status sse_stream::fill(replay_ring& ring, std::string& out, std::size_t limit,
                                         core::timestamp now) {
  out += preamble_;
  preamble_.clear();
  for (; next_retained_ < retained_.size(); ++next_retained_) {
    if (out.size() >= limit) {
      return fill_status::more;
    }
    append_sse_event(out,
                     encode_event_json(*retained_[next_retained_], std::nullopt, std::nullopt));
  }
  if (live_marker_pending_) {
    live_marker_pending_ = false;
    std::vector<core::message_ptr>().swap(retained_);
    const std::uint64_t start = cursor_.last_seen();
    append_sse_event(out, "{\"id\":" + std::to_string(start) + "}", start, "live");
  }
  if (cursor_.fell_behind(ring)) {
    return fill_status::fell_behind;
  }
  bool full = false;
  cursor_.scan(ring, filter_, now, [&](const replay_event& event) {
    if (out.size() >= limit) {
      full = true;
      return false;
    }
    append_sse_event(out, ring.json(event), event.id);
    return true;
  });
  return full ? fill_status::more : fill_status::idle;
}

}  // namespace telemq::bridge_ws
