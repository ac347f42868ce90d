#pragma once
// The JSON form of a message for /events and /poll:
//   {"id":42,"topic":"sensors/t1","payload":"21.5","base64":false,"qos":1,"retain":false,
//    "timestamp":1718000000123}
// The payload is the text itself when it is valid UTF-8 (without U+0000), else its base64 with
// "base64":true. "timestamp" is when the broker accepted the message, in milliseconds since the
// Unix epoch. Retained messages replayed at the start of a stream have neither "id" (they are
// state, not part of the event sequence) nor "timestamp" (the broker does not record when a
// retained message was set). "content_type" is added when the 5.0 publisher gave one.
#include <cstdint>
#include <optional>
#include <string>

#include "broker/core/message.hpp"

namespace telemq::bridge_ws {

std::string encode_event_json(const core::message& msg, std::optional<std::uint64_t> id,
                              std::optional<core::timestamp> received);

}  // namespace telemq::bridge_ws
