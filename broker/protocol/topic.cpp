#include "broker/protocol/topic.hpp"

#include <string>

#include "broker/protocol/primitives.hpp"

namespace telemq::protocol {

namespace {

constexpr std::string_view share_prefix = "$share/";

std::optional<error> utf8_error(std::string_view text, std::string_view what) {
  switch (detail::check_utf8(text)) {
    case detail::utf8_status::ok:
      return std::nullopt;
    case detail::utf8_status::ill_formed:
      return detail::malformed(std::string(what) + " is not well-formed UTF-8 [MQTT-1.5.4-1]");
    case detail::utf8_status::null_character:
      return detail::malformed(std::string(what) + " contains U+0000 [MQTT-1.5.4-2]");
  }
  return std::nullopt;
}

error invalid_filter(std::string message) {
  return error{reason_code::topic_filter_invalid, std::move(message)};
}

// The wildcard rules for a plain (non-shared) filter.
std::optional<error> check_filter_levels(std::string_view filter) {
  for (std::size_t i = 0; i < filter.size(); ++i) {
    const char c = filter[i];
    if (c != '#' && c != '+') {
      continue;
    }
    const bool starts_level = i == 0 || filter[i - 1] == '/';
    if (c == '#') {
      if (!starts_level || i + 1 != filter.size()) {
        return invalid_filter("topic filter '" + std::string(filter) +
                              "' has '#' that is not alone in the last level [MQTT-4.7.1-1]");
      }
    } else {
      const bool ends_level = i + 1 == filter.size() || filter[i + 1] == '/';
      if (!starts_level || !ends_level) {
        return invalid_filter("topic filter '" + std::string(filter) +
                              "' has '+' that is not alone in its level [MQTT-4.7.1-2]");
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<error> validate_topic_name(std::string_view topic) {
  if (topic.empty()) {
    return error{reason_code::topic_name_invalid, "empty topic name [MQTT-4.7.3-1]"};
  }
  if (topic.size() > 65'535) {
    return error{reason_code::topic_name_invalid, "topic name longer than 65,535 bytes"};
  }
  if (auto bad = utf8_error(topic, "topic name")) {
    return bad;
  }
  if (topic.find_first_of("+#") != std::string_view::npos) {
    return error{reason_code::topic_name_invalid,
                 "topic name '" + std::string(topic) + "' contains a wildcard [MQTT-3.3.2-2]"};
  }
  return std::nullopt;
}

std::optional<error> validate_topic_filter(std::string_view filter) {
  if (filter.empty()) {
    return invalid_filter("empty topic filter [MQTT-4.7.3-1]");
  }
  if (filter.size() > 65'535) {
    return invalid_filter("topic filter longer than 65,535 bytes");
  }
  if (auto bad = utf8_error(filter, "topic filter")) {
    return bad;
  }
  if (auto shared = parse_shared_filter(filter)) {
    if (shared->group.empty()) {
      return invalid_filter("shared subscription '" + std::string(filter) +
                            "' has an empty share name [MQTT-4.8.2-1]");
    }
    if (shared->group.find_first_of("+#") != std::string_view::npos) {
      return invalid_filter("shared subscription '" + std::string(filter) +
                            "' has a wildcard in its share name [MQTT-4.8.2-2]");
    }
    if (shared->filter.empty()) {
      return invalid_filter("shared subscription '" + std::string(filter) +
                            "' has no topic filter after the share name [MQTT-4.8.2-2]");
    }
    return check_filter_levels(shared->filter);
  }
  return check_filter_levels(filter);
}

bool is_valid_mqtt_utf8(std::string_view text) {
  return detail::check_utf8(text) == detail::utf8_status::ok;
}

std::optional<shared_filter> parse_shared_filter(std::string_view filter) {
  if (!filter.starts_with(share_prefix)) {
    return std::nullopt;
  }
  const std::string_view rest = filter.substr(share_prefix.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    // "$share/group" with no filter: still a shared subscription, an invalid one.
    return shared_filter{rest, {}};
  }
  return shared_filter{rest.substr(0, slash), rest.substr(slash + 1)};
}

bool topic_matches(std::string_view filter, std::string_view topic) {
  if (!filter.empty() && (filter[0] == '+' || filter[0] == '#') && !topic.empty() &&
      topic[0] == '$') {
    return false;  // [MQTT-4.7.2-1]
  }
  std::size_t f = 0;
  std::size_t t = 0;
  while (true) {
    std::size_t filter_end = filter.find('/', f);
    if (filter_end == std::string_view::npos) {
      filter_end = filter.size();
    }
    const std::string_view level = filter.substr(f, filter_end - f);
    if (level == "#") {
      return true;
    }
    std::size_t topic_end = topic.find('/', t);
    if (topic_end == std::string_view::npos) {
      topic_end = topic.size();
    }
    if (level != "+" && level != topic.substr(t, topic_end - t)) {
      return false;
    }
    const bool filter_done = filter_end == filter.size();
    const bool topic_done = topic_end == topic.size();
    if (topic_done) {
      // "sport/#" also matches "sport": the '#' stands for the parent level too.
      return filter_done || filter.substr(filter_end) == "/#";
    }
    if (filter_done) {
      return false;
    }
    f = filter_end + 1;
    t = topic_end + 1;
  }
}

}  // namespace telemq::protocol
