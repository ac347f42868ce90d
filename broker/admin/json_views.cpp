#include "broker/admin/json_views.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <span>

#include "broker/protocol/topic.hpp"
#include "broker/text/base64.hpp"

namespace telemq::admin {

std::string format_utc(core::timestamp when) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(core::clock_type::to_time_t(when)));
}

std::string_view version_name(protocol::protocol_version version) {
  switch (version) {
    case protocol::protocol_version::v3_1:
      return "3.1";
    case protocol::protocol_version::v3_1_1:
      return "3.1.1";
    case protocol::protocol_version::v5:
      return "5.0";
  }
  return "unknown";
}

nlohmann::json session_json(const core::session_info& s) {
  nlohmann::json j = {
      {"client_id", s.client_id},
      {"username", s.username},
      {"online", s.online},
      {"protocol", version_name(s.version)},
      {"session_expiry_interval", s.expiry_interval},
      {"queued", s.queued},
      {"inflight", s.inflight},
      {"subscriptions", s.subscriptions},
  };
  if (s.online) {
    j["address"] = s.address;
    j["listener"] = s.listener;
    j["keep_alive"] = s.keep_alive;
  }
  j["disconnected_at"] =
      s.disconnected_at ? nlohmann::json(format_utc(*s.disconnected_at)) : nlohmann::json();
  return j;
}

nlohmann::json subscription_json(const core::subscription_info& s) {
  nlohmann::json j = {
      {"client_id", s.client_id},
      {"filter", s.filter},
      {"qos", static_cast<int>(s.options.max_qos)},
      {"no_local", s.options.no_local},
      {"retain_as_published", s.options.retain_as_published},
      {"retain_handling", s.options.retain_handling},
  };
  if (s.identifier != 0) {
    j["identifier"] = s.identifier;
  }
  return j;
}

nlohmann::json message_json(const core::message& msg, core::timestamp now) {
  nlohmann::json j = {
      {"topic", msg.topic},
      {"qos", static_cast<int>(msg.qos_level)},
      {"size", msg.payload.size()},
  };
  if (protocol::is_valid_mqtt_utf8(msg.payload)) {
    j["payload"] = msg.payload;
  } else {
    j["payload"] = text::base64_encode(
        std::span(reinterpret_cast<const std::uint8_t*>(msg.payload.data()), msg.payload.size()));
    j["payload_encoding"] = "base64";
  }
  if (msg.expires_at) {
    j["expires_in"] = std::max<std::int64_t>(
        0, std::chrono::duration_cast<std::chrono::seconds>(*msg.expires_at - now).count());
  }
  if (msg.props) {
    if (msg.props->content_type) {
      j["content_type"] = *msg.props->content_type;
    }
    if (!msg.props->user_properties.empty()) {
      auto& list = j["user_properties"] = nlohmann::json::array();
      for (const auto& [key, value] : msg.props->user_properties) {
        list.push_back({key, value});
      }
    }
  }
  return j;
}

http_response json_response(unsigned status, const nlohmann::json& body) {
  http_response response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return response;
}

http_response error_response(unsigned status, std::string_view message) {
  return json_response(status, {{"error", message}});
}

}  // namespace telemq::admin
