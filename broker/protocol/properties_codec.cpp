#include "broker/protocol/properties_codec.hpp"

#include <string>

namespace telemq::protocol {

std::string_view to_string(property_id id) {
  switch (id) {
    case property_id::payload_format_indicator:
      return "Payload Format Indicator";
    case property_id::message_expiry_interval:
      return "Message Expiry Interval";
    case property_id::content_type:
      return "Content Type";
    case property_id::response_topic:
      return "Response Topic";
    case property_id::correlation_data:
      return "Correlation Data";
    case property_id::subscription_identifier:
      return "Subscription Identifier";
    case property_id::session_expiry_interval:
      return "Session Expiry Interval";
    case property_id::assigned_client_identifier:
      return "Assigned Client Identifier";
    case property_id::server_keep_alive:
      return "Server Keep Alive";
    case property_id::authentication_method:
      return "Authentication Method";
    case property_id::authentication_data:
      return "Authentication Data";
    case property_id::request_problem_information:
      return "Request Problem Information";
    case property_id::will_delay_interval:
      return "Will Delay Interval";
    case property_id::request_response_information:
      return "Request Response Information";
    case property_id::response_information:
      return "Response Information";
    case property_id::server_reference:
      return "Server Reference";
    case property_id::reason_string:
      return "Reason String";
    case property_id::receive_maximum:
      return "Receive Maximum";
    case property_id::topic_alias_maximum:
      return "Topic Alias Maximum";
    case property_id::topic_alias:
      return "Topic Alias";
    case property_id::maximum_qos:
      return "Maximum QoS";
    case property_id::retain_available:
      return "Retain Available";
    case property_id::user_property:
      return "User Property";
    case property_id::maximum_packet_size:
      return "Maximum Packet Size";
    case property_id::wildcard_subscription_available:
      return "Wildcard Subscription Available";
    case property_id::subscription_identifier_available:
      return "Subscription Identifier Available";
    case property_id::shared_subscription_available:
      return "Shared Subscription Available";
  }
  return "unknown property";
}

namespace detail {

namespace {

bool is_known(std::uint32_t id) {
  return id < 0x80 && allowed_scopes(static_cast<property_id>(id)) != 0;
}

// Reads one property value of the given field, reporting truncation and range errors.
class property_reader {
 public:
  property_reader(reader& in, std::string_view packet_name, property_id id)
      : in_(in), packet_name_(packet_name), id_(id) {}

  std::optional<error> byte(std::optional<std::uint8_t>& out, std::uint8_t max_value) {
    std::uint8_t value = 0;
    if (!in_.u8(value)) {
      return cut();
    }
    if (value > max_value) {
      return out_of_range(value);
    }
    out = value;
    return std::nullopt;
  }
  std::optional<error> two(std::optional<std::uint16_t>& out, bool zero_allowed) {
    std::uint16_t value = 0;
    if (!in_.u16(value)) {
      return cut();
    }
    if (value == 0 && !zero_allowed) {
      return out_of_range(0);
    }
    out = value;
    return std::nullopt;
  }
  std::optional<error> four(std::optional<std::uint32_t>& out, bool zero_allowed) {
    std::uint32_t value = 0;
    if (!in_.u32(value)) {
      return cut();
    }
    if (value == 0 && !zero_allowed) {
      return out_of_range(0);
    }
    out = value;
    return std::nullopt;
  }
  std::optional<error> text(std::optional<std::string>& out) {
    out.emplace();
    return read_utf8(in_, *out, packet_name_, field());
  }
  std::optional<error> binary(std::optional<std::string>& out) {
    out.emplace();
    return read_binary(in_, *out, packet_name_, field());
  }
  std::optional<error> subscription_identifier(std::vector<std::uint32_t>& out) {
    std::uint32_t value = 0;
    switch (in_.variable_byte_integer(value)) {
      case reader::vbi_status::truncated:
        return cut();
      case reader::vbi_status::too_long:
        return malformed(std::string(packet_name_) +
                         " Subscription Identifier is longer than 4 bytes [MQTT-1.5.5]");
      case reader::vbi_status::ok:
        break;
    }
    if (value == 0) {
      return out_of_range(0);
    }
    out.push_back(value);
    return std::nullopt;
  }
  std::optional<error> pair(std::vector<user_property>& out) {
    auto& [name, value] = out.emplace_back();
    if (auto bad = read_utf8(in_, name, packet_name_, "User Property name")) {
      return bad;
    }
    return read_utf8(in_, value, packet_name_, "User Property value");
  }

 private:
  std::string field() const { return std::string(to_string(id_)) + " property"; }
  error cut() const { return truncated(packet_name_, field()); }
  error out_of_range(std::uint32_t value) const {
    return protocol_violation(std::string(packet_name_) + " " + field() + " has the value " +
                              std::to_string(value) + ", which the spec does not allow");
  }

  reader& in_;
  std::string_view packet_name_;
  property_id id_;
};

}  // namespace

std::optional<error> read_properties(reader& in, property_scope scope, properties& out,
                                     std::string_view packet_name) {
  std::uint32_t length = 0;
  switch (in.variable_byte_integer(length)) {
    case reader::vbi_status::truncated:
      return truncated(packet_name, "Property Length");
    case reader::vbi_status::too_long:
      return malformed(std::string(packet_name) +
                       " Property Length is longer than 4 bytes [MQTT-1.5.5]");
    case reader::vbi_status::ok:
      break;
  }
  reader block(std::span<const std::uint8_t>{});
  if (!in.sub(length, block)) {
    return truncated(packet_name, "properties");
  }

  std::uint64_t seen = 0;
  while (!block.empty()) {
    std::uint32_t raw_id = 0;
    if (block.variable_byte_integer(raw_id) != reader::vbi_status::ok || !is_known(raw_id)) {
      return malformed(std::string(packet_name) + " has an unknown property identifier " +
                       std::to_string(raw_id) + " [MQTT-2.2.2]");
    }
    const auto id = static_cast<property_id>(raw_id);
    if (!is_allowed(id, scope)) {
      return malformed(std::string(packet_name) + " contains the " + std::string(to_string(id)) +
                       " property, which is not allowed there [MQTT-2.2.2, Table 2-4]");
    }
    // Only User Property, and Subscription Identifier in PUBLISH, may repeat (section 2.2.2.2).
    const bool repeatable =
        id == property_id::user_property ||
        (id == property_id::subscription_identifier && scope == property_scope::publish);
    if (!repeatable) {
      const std::uint64_t bit = std::uint64_t{1} << raw_id;
      if ((seen & bit) != 0) {
        return protocol_violation(std::string(packet_name) + " contains the " +
                                  std::string(to_string(id)) + " property more than once");
      }
      seen |= bit;
    }

    property_reader value(block, packet_name, id);
    std::optional<error> bad;
    switch (id) {
      case property_id::payload_format_indicator:
        bad = value.byte(out.payload_format_indicator, 1);
        break;
      case property_id::message_expiry_interval:
        bad = value.four(out.message_expiry_interval, true);
        break;
      case property_id::content_type:
        bad = value.text(out.content_type);
        break;
      case property_id::response_topic:
        bad = value.text(out.response_topic);
        if (!bad && out.response_topic->find_first_of("+#") != std::string::npos) {
          // A Response Topic is a topic name [MQTT-3.3.2-14].
          bad = error{
              reason_code::topic_name_invalid,
              std::string(packet_name) + " Response Topic contains a wildcard [MQTT-3.3.2-14]"};
        }
        break;
      case property_id::correlation_data:
        bad = value.binary(out.correlation_data);
        break;
      case property_id::subscription_identifier:
        bad = value.subscription_identifier(out.subscription_identifiers);
        break;
      case property_id::session_expiry_interval:
        bad = value.four(out.session_expiry_interval, true);
        break;
      case property_id::assigned_client_identifier:
        bad = value.text(out.assigned_client_identifier);
        break;
      case property_id::server_keep_alive:
        bad = value.two(out.server_keep_alive, true);
        break;
      case property_id::authentication_method:
        bad = value.text(out.authentication_method);
        break;
      case property_id::authentication_data:
        bad = value.binary(out.authentication_data);
        break;
      case property_id::request_problem_information:
        bad = value.byte(out.request_problem_information, 1);
        break;
      case property_id::will_delay_interval:
        bad = value.four(out.will_delay_interval, true);
        break;
      case property_id::request_response_information:
        bad = value.byte(out.request_response_information, 1);
        break;
      case property_id::response_information:
        bad = value.text(out.response_information);
        break;
      case property_id::server_reference:
        bad = value.text(out.server_reference);
        break;
      case property_id::reason_string:
        bad = value.text(out.reason_string);
        break;
      case property_id::receive_maximum:
        bad = value.two(out.receive_maximum, false);
        break;
      case property_id::topic_alias_maximum:
        bad = value.two(out.topic_alias_maximum, true);
        break;
      case property_id::topic_alias:
        // 0 is not a valid alias, but the answer to it is Topic Alias invalid (0x94), the same
        // as for one above the maximum: the receiver, which knows its maximum, checks both.
        bad = value.two(out.topic_alias, true);
        break;
      case property_id::maximum_qos:
        bad = value.byte(out.maximum_qos, 1);
        break;
      case property_id::retain_available:
        bad = value.byte(out.retain_available, 1);
        break;
      case property_id::user_property:
        bad = value.pair(out.user_properties);
        break;
      case property_id::maximum_packet_size:
        bad = value.four(out.maximum_packet_size, false);
        break;
      case property_id::wildcard_subscription_available:
        bad = value.byte(out.wildcard_subscription_available, 1);
        break;
      case property_id::subscription_identifier_available:
        bad = value.byte(out.subscription_identifier_available, 1);
        break;
      case property_id::shared_subscription_available:
        bad = value.byte(out.shared_subscription_available, 1);
        break;
    }
    if (bad) {
      return bad;
    }
  }
  return std::nullopt;
}

void clear_properties(properties& p) {
  p.payload_format_indicator.reset();
  p.message_expiry_interval.reset();
  p.content_type.reset();
  p.response_topic.reset();
  p.correlation_data.reset();
  p.subscription_identifiers.clear();
  p.session_expiry_interval.reset();
  p.assigned_client_identifier.reset();
  p.server_keep_alive.reset();
  p.authentication_method.reset();
  p.authentication_data.reset();
  p.request_problem_information.reset();
  p.will_delay_interval.reset();
  p.request_response_information.reset();
  p.response_information.reset();
  p.server_reference.reset();
  p.reason_string.reset();
  p.receive_maximum.reset();
  p.topic_alias_maximum.reset();
  p.topic_alias.reset();
  p.maximum_qos.reset();
  p.retain_available.reset();
  p.user_properties.clear();
  p.maximum_packet_size.reset();
  p.wildcard_subscription_available.reset();
  p.subscription_identifier_available.reset();
  p.shared_subscription_available.reset();
}

}  // namespace detail
}  // namespace telemq::protocol
