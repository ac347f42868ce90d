#include "bridge-ws/event_json.hpp"

#include <chrono>
#include <nlohmann/json.hpp>

#include "broker/protocol/topic.hpp"
#include "broker/text/base64.hpp"

namespace telemq::bridge_ws {

std::string encode_event_json(const core::message& msg, std::optional<std::uint64_t> id,
                              std::optional<core::timestamp> received) {
  nlohmann::ordered_json event;
  if (id) {
    event["id"] = *id;
  }
  event["topic"] = msg.topic;
  const bool text = protocol::is_valid_mqtt_utf8(msg.payload);
  event["payload"] = text ? msg.payload : text::base64_encode(std::string_view(msg.payload));
  event["base64"] = !text;
  event["qos"] = static_cast<int>(msg.qos_level);
  event["retain"] = msg.retain;
  if (received) {
    event["timestamp"] =
        std::chrono::duration_cast<std::chrono::milliseconds>(received->time_since_epoch()).count();
  }
  if (msg.props && msg.props->content_type) {
    event["content_type"] = *msg.props->content_type;
  }
  // Topics are valid UTF-8 by the time the broker accepts them; replace keeps a bad one from
  // throwing all the same.
  return event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace telemq::bridge_ws
