#pragma once
// Helpers shared by the protocol tests: byte vectors, decode shortcuts and packets with every
// property a packet may carry.
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "broker/protocol/codec.hpp"
#include "broker/protocol/properties_codec.hpp"

namespace telemq::protocol::test {

using bytes = std::vector<std::uint8_t>;
using detail::property_scope;

constexpr protocol_version v31 = protocol_version::v3_1;
constexpr protocol_version v311 = protocol_version::v3_1_1;
constexpr protocol_version v5 = protocol_version::v5;

inline bytes concat(std::initializer_list<bytes> parts) {
  bytes out;
  for (const bytes& part : parts) {
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

// A two-byte length and the characters.
inline bytes str(std::string_view text) {
  bytes out{static_cast<std::uint8_t>(text.size() >> 8), static_cast<std::uint8_t>(text.size())};
  out.insert(out.end(), text.begin(), text.end());
  return out;
}

// A whole packet from its first byte and body (Remaining Length below 128).
inline bytes packet_bytes(std::uint8_t first, const bytes& body) {
  bytes out{first, static_cast<std::uint8_t>(body.size())};
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

inline bytes encoded(const packet& p, protocol_version version) {
  bytes out;
  encode(p, version, out);
  return out;
}

// The error decode_packet reports; fails the test when the packet decodes.
inline error decode_error(const bytes& data, protocol_version version) {
  auto decoded = decode_packet(data, version);
  EXPECT_FALSE(decoded.ok()) << "expected a decode error";
  if (decoded.ok()) {
    return error{reason_code::success, "decoded"};
  }
  return decoded.failure();
}

inline packet decode_ok(const bytes& data, protocol_version version) {
  auto decoded = decode_packet(data, version);
  EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : decoded.failure().message);
  if (!decoded.ok()) {
    return pingreq_packet{};
  }
  return std::move(decoded).value();
}

// Every property the spec allows in `scope`, each with a distinctive value.
inline properties full_properties(property_scope scope) {
  properties all;
  all.payload_format_indicator = 1;
  all.message_expiry_interval = 3600;
  all.content_type = "application/json";
  all.response_topic = "replies/42";
  all.correlation_data = std::string("\x00\xFF\x80 binary", 10);
  all.subscription_identifiers = {7, 268'435'455};
  all.session_expiry_interval = 0xFFFFFFFF;
  all.assigned_client_identifier = "auto-1234";
  all.server_keep_alive = 120;
  all.authentication_method = "SCRAM-SHA-1";
  all.authentication_data = std::string("\x01\x02\x00\xFE", 4);
  all.request_problem_information = 0;
  all.will_delay_interval = 30;
  all.request_response_information = 1;
  all.response_information = "resp/";
  all.server_reference = "other.example:1883";
  all.reason_string = "because \xC3\xA9t\xC3\xA9";
  all.receive_maximum = 100;
  all.topic_alias_maximum = 10;
  all.topic_alias = 3;
  all.maximum_qos = 1;
  all.retain_available = 0;
  all.user_properties = {{"k", "v"}, {"k", "v2"}, {"", ""}};
  all.maximum_packet_size = 65'536;
  all.wildcard_subscription_available = 1;
  all.subscription_identifier_available = 0;
  all.shared_subscription_available = 1;

  properties p;
  auto keep = [&](property_id id, auto member) {
    if (detail::is_allowed(id, scope)) {
      p.*member = all.*member;
    }
  };
  keep(property_id::payload_format_indicator, &properties::payload_format_indicator);
  keep(property_id::message_expiry_interval, &properties::message_expiry_interval);
  keep(property_id::content_type, &properties::content_type);
  keep(property_id::response_topic, &properties::response_topic);
  keep(property_id::correlation_data, &properties::correlation_data);
  keep(property_id::subscription_identifier, &properties::subscription_identifiers);
  keep(property_id::session_expiry_interval, &properties::session_expiry_interval);
  keep(property_id::assigned_client_identifier, &properties::assigned_client_identifier);
  keep(property_id::server_keep_alive, &properties::server_keep_alive);
  keep(property_id::authentication_method, &properties::authentication_method);
  keep(property_id::authentication_data, &properties::authentication_data);
  keep(property_id::request_problem_information, &properties::request_problem_information);
  keep(property_id::will_delay_interval, &properties::will_delay_interval);
  keep(property_id::request_response_information, &properties::request_response_information);
  keep(property_id::response_information, &properties::response_information);
  keep(property_id::server_reference, &properties::server_reference);
  keep(property_id::reason_string, &properties::reason_string);
  keep(property_id::receive_maximum, &properties::receive_maximum);
  keep(property_id::topic_alias_maximum, &properties::topic_alias_maximum);
  keep(property_id::topic_alias, &properties::topic_alias);
  keep(property_id::maximum_qos, &properties::maximum_qos);
  keep(property_id::retain_available, &properties::retain_available);
  keep(property_id::user_property, &properties::user_properties);
  keep(property_id::maximum_packet_size, &properties::maximum_packet_size);
  keep(property_id::wildcard_subscription_available, &properties::wildcard_subscription_available);
  keep(property_id::subscription_identifier_available,
       &properties::subscription_identifier_available);
  keep(property_id::shared_subscription_available, &properties::shared_subscription_available);
  // Only PUBLISH may repeat the Subscription Identifier.
  if (scope == property_scope::subscribe) {
    p.subscription_identifiers = {268'435'455};
  }
  return p;
}

}  // namespace telemq::protocol::test
