#pragma once
// What the admin API says about sessions, subscriptions and messages, as JSON. Field names are
// the API's contract (docs/admin-api.md); telemqctl reads them.
#include <nlohmann/json.hpp>
#include <string_view>

#include "broker/admin/http_message.hpp"
#include "broker/core/broker.hpp"

namespace telemq::admin {

// "2024-05-01T12:00:00Z"
std::string format_utc(core::timestamp when);

// "3.1", "3.1.1", "5.0"
std::string_view version_name(protocol::protocol_version version);

nlohmann::json session_json(const core::session_info& session);
nlohmann::json subscription_json(const core::subscription_info& subscription);
// The payload as text when it is valid UTF-8, else base64 with "payload_encoding": "base64".
nlohmann::json message_json(const core::message& msg, core::timestamp now);

// Serializes without throwing on invalid UTF-8 (a client id from a 3.1 client, say): such bytes
// become U+FFFD.
http_response json_response(unsigned status, const nlohmann::json& body);
http_response error_response(unsigned status, std::string_view message);

}  // namespace telemq::admin
