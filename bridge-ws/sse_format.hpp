#pragma once
// The text/event-stream wire format (HTML Living Standard, "Server-sent events"): an event is
// optional "id:" and "event:" lines, one "data:" line per line of data, and a blank line.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace telemq::bridge_ws {

// Line breaks in data (\n, \r\n or \r) become separate data: lines, which the browser joins
// with \n again.
void append_sse_event(std::string& out, std::string_view data,
                      std::optional<std::uint64_t> id = std::nullopt, std::string_view type = {});

// A comment line: ignored by EventSource, but it keeps proxies from timing out an idle stream.
void append_sse_comment(std::string& out, std::string_view text);

// How long EventSource waits before reconnecting after the stream ends.
void append_sse_retry(std::string& out, std::chrono::milliseconds delay);

}  // namespace telemq::bridge_ws
