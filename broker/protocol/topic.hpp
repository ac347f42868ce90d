#pragma once
// Topic names and topic filters (MQTT 5.0 section 4.7).
#include <optional>
#include <string_view>

#include "broker/protocol/error.hpp"

namespace telemq::protocol {

// A topic name in PUBLISH: non-empty, no '+' or '#' [MQTT-3.3.2-2], valid UTF-8 without U+0000.
std::optional<error> validate_topic_name(std::string_view topic);

// A topic filter: non-empty, '#' alone in the last level [MQTT-4.7.1-1], '+' alone in its level
// [MQTT-4.7.1-2]. A shared subscription $share/{group}/{filter} needs a group without wildcards
// and a filter after it [MQTT-4.8.2-1/2].
std::optional<error> validate_topic_filter(std::string_view filter);

// Checks that a string is well-formed UTF-8 with no U+0000 and no surrogates [MQTT-1.5.4-1/2].
bool is_valid_mqtt_utf8(std::string_view text);

struct shared_filter {
  std::string_view group;
  std::string_view filter;
};
// Splits $share/{group}/{filter}; nothing when the filter is not a shared subscription.
std::optional<shared_filter> parse_shared_filter(std::string_view filter);

// Whether a topic name matches a (non-shared) topic filter, including the rule that a filter
// starting with a wildcard does not match a topic starting with '$' [MQTT-4.7.2-1].
bool topic_matches(std::string_view filter, std::string_view topic);

}  // namespace telemq::protocol
