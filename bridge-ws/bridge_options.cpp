#include "bridge-ws/bridge_options.hpp"

#include <charconv>
#include <stdexcept>

#include "bridge-ws/query_string.hpp"

namespace telemq::bridge_ws {

namespace {

std::invalid_argument bad_option(std::string_view name, std::string_view why) {
  return std::invalid_argument("listener option '" + std::string(name) + "': " + std::string(why));
}

std::size_t parse_count(std::string_view name, std::string_view text) {
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty() || value == 0) {
    throw bad_option(name, "expected a positive whole number, got '" + std::string(text) + "'");
  }
  return value;
}

std::chrono::milliseconds parse_option_duration(std::string_view name, std::string_view text) {
  try {
    return parse_duration(text);
  } catch (const std::invalid_argument& e) {
    throw bad_option(name, e.what());
  }
}

std::chrono::seconds whole_seconds(std::string_view name, std::chrono::milliseconds value) {
  if (value < std::chrono::seconds(1) || value % std::chrono::seconds(1) != value.zero()) {
    throw bad_option(name, "expected whole seconds, at least 1s");
  }
  return std::chrono::duration_cast<std::chrono::seconds>(value);
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    if (comma != 0) {
      out.emplace_back(text.substr(0, comma));
    }
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return out;
}

}  // namespace

std::chrono::milliseconds parse_duration(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end == text.data()) {
    throw std::invalid_argument("expected a duration such as 30s, 500ms, 5m or 1h, got '" +
                                std::string(text) + "'");
  }
  const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  if (unit.empty() || unit == "s") {
    return std::chrono::seconds(value);
  }
  if (unit == "ms") {
    return std::chrono::milliseconds(value);
  }
  if (unit == "m") {
    return std::chrono::minutes(value);
  }
  if (unit == "h") {
    return std::chrono::hours(value);
  }
  throw std::invalid_argument("unknown unit '" + std::string(unit) + "' (use ms, s, m or h)");
}

bridge_options parse_bridge_options(std::string_view url_path) {
  bridge_options out;
  const auto target = split_target(url_path);
  if (!target.path.empty()) {
    out.mqtt_path = std::string(target.path);
  }
  const auto parameters = text::parse_query(target.query);
  if (!parameters) {
    throw std::invalid_argument("listener options: malformed %-escape in '" +
                                std::string(target.query) + "'");
  }
  for (const auto& [name, value] : *parameters) {
    if (name == "origins") {
      out.origins = split_list(value);
    } else if (name == "heartbeat") {
      out.heartbeat = whole_seconds(name, parse_option_duration(name, value));
    } else if (name == "poll_timeout") {
      out.poll_timeout = whole_seconds(name, parse_option_duration(name, value));
    } else if (name == "sse_max_duration") {
      out.sse_max_duration = parse_option_duration(name, value);
    } else if (name == "sse_chunk") {
      out.sse_chunk = parse_count(name, value);
    } else if (name == "poll_max_events") {
      out.poll_max_events = parse_count(name, value);
    } else if (name == "frame_per_packet") {
      if (value != "0" && value != "1" && value != "true" && value != "false") {
        throw bad_option(name, "expected 0, 1, true or false, got '" + value + "'");
      }
      out.frame_per_packet = value == "1" || value == "true";
    } else if (name == "replay_size") {
      out.replay.max_events = parse_count(name, value);
    } else if (name == "replay_age") {
      out.replay.max_age = whole_seconds(name, parse_option_duration(name, value));
    } else if (name == "replay_bytes") {
      out.replay.max_bytes = parse_count(name, value);
    } else {
      throw bad_option(name,
                       "unknown (use origins, heartbeat, poll_timeout, sse_max_duration, "
                       "sse_chunk, poll_max_events, frame_per_packet, replay_size, replay_age "
                       "or replay_bytes)");
    }
  }
  return out;
}

}  // namespace telemq::bridge_ws
