#include "broker/protocol/subscribe_codec.hpp"

#include <string>

#include "broker/protocol/reason_codes.hpp"
#include "broker/protocol/topic.hpp"

namespace telemq::protocol::detail {

std::optional<error> decode_subscribe(reader& in, protocol_version version, subscribe_packet& out) {
  const bool v5 = version == protocol_version::v5;
  if (auto bad = read_packet_id(in, out.packet_id, "SUBSCRIBE")) {
    return bad;
  }
  if (v5) {
    if (auto bad = read_properties(in, property_scope::subscribe, out.props, "SUBSCRIBE")) {
      return bad;
    }
  }
  while (!in.empty()) {
    subscription_request& request = out.subscriptions.emplace_back();
    // The filter's wildcard rules are not checked here: the server answers a bad filter in the
    // SUBACK (0x8F, or 0x80 before 5.0) and keeps the connection.
    if (auto bad = read_utf8(in, request.filter, "SUBSCRIBE", "topic filter")) {
      return bad;
    }
    std::uint8_t options = 0;
    if (!in.u8(options)) {
      return truncated("SUBSCRIBE", "subscription options");
    }
    const auto max_qos = static_cast<std::uint8_t>(options & 0x03);
    if (!v5) {
      // The spec's own numbering of this rule is "MQTT-3-8.3-4".
      if ((options & 0xFC) != 0) {
        return malformed("SUBSCRIBE requested QoS byte has reserved bits set [MQTT-3-8.3-4]");
      }
      if (max_qos == 3) {
        return malformed("SUBSCRIBE with requested QoS 3 [MQTT-3-8.3-4]");
      }
      request.options.max_qos = static_cast<qos>(max_qos);
      continue;
    }
    if ((options & 0xC0) != 0) {
      return malformed("SUBSCRIBE subscription options have reserved bits set [MQTT-3.8.3-5]");
    }
    if (max_qos == 3) {
      return protocol_violation("SUBSCRIBE with Maximum QoS 3 (section 3.8.3.1)");
    }
    const auto retain_handling = static_cast<std::uint8_t>((options >> 4) & 0x03);
    if (retain_handling == 3) {
      return protocol_violation("SUBSCRIBE with Retain Handling 3 (section 3.8.3.1)");
    }
    request.options.max_qos = static_cast<qos>(max_qos);
    request.options.no_local = (options & 0x04) != 0;
    request.options.retain_as_published = (options & 0x08) != 0;
    request.options.retain_handling = retain_handling;
    if (request.options.no_local && parse_shared_filter(request.filter)) {
      return protocol_violation("SUBSCRIBE with No Local on shared subscription '" +
                                printable(request.filter) + "' [MQTT-3.8.3-4]");
    }
  }
  if (out.subscriptions.empty()) {
    return protocol_violation(v5 ? "SUBSCRIBE with no topic filters [MQTT-3.8.3-2]"
                                 : "SUBSCRIBE with no topic filters [MQTT-3.8.3-3]");
  }
  return std::nullopt;
}

std::optional<error> decode_suback(reader& in, protocol_version version, suback_packet& out) {
  const bool v5 = version == protocol_version::v5;
  if (auto bad = read_packet_id(in, out.packet_id, "SUBACK")) {
    return bad;
  }
  if (v5) {
    if (auto bad = read_properties(in, property_scope::suback, out.props, "SUBACK")) {
      return bad;
    }
  }
  while (!in.empty()) {
    std::uint8_t code = 0;
    in.u8(code);
    if (v5) {
      if (auto bad = check_reason(packet_type::suback, code)) {
        return bad;
      }
    } else if (code > 0x02 && code != 0x80) {
      return malformed("SUBACK with reserved return code " + hex(code) + " [MQTT-3.9.3-2]");
    }
    out.reasons.push_back(static_cast<reason_code>(code));
  }
  if (out.reasons.empty()) {
    // One code per topic filter of the SUBSCRIBE, which has at least one.
    return protocol_violation("SUBACK with no reason codes (section 3.9.3)");
  }
  return std::nullopt;
}

std::optional<error> decode_unsubscribe(reader& in, protocol_version version,
                                        unsubscribe_packet& out) {
  if (auto bad = read_packet_id(in, out.packet_id, "UNSUBSCRIBE")) {
    return bad;
  }
  if (version == protocol_version::v5) {
    if (auto bad = read_properties(in, property_scope::unsubscribe, out.props, "UNSUBSCRIBE")) {
      return bad;
    }
  }
  while (!in.empty()) {
    if (auto bad = read_utf8(in, out.filters.emplace_back(), "UNSUBSCRIBE", "topic filter")) {
      return bad;
    }
  }
  if (out.filters.empty()) {
    return protocol_violation("UNSUBSCRIBE with no topic filters [MQTT-3.10.3-2]");
  }
  return std::nullopt;
}

std::optional<error> decode_unsuback(reader& in, protocol_version version, unsuback_packet& out) {
  if (auto bad = read_packet_id(in, out.packet_id, "UNSUBACK")) {
    return bad;
  }
  if (version != protocol_version::v5) {
    if (!in.empty()) {
      return left_over("UNSUBACK", in.left());
    }
    return std::nullopt;
  }
  if (auto bad = read_properties(in, property_scope::unsuback, out.props, "UNSUBACK")) {
    return bad;
  }
  while (!in.empty()) {
    std::uint8_t code = 0;
    in.u8(code);
    if (auto bad = check_reason(packet_type::unsuback, code)) {
      return bad;
    }
    out.reasons.push_back(static_cast<reason_code>(code));
  }
  if (out.reasons.empty()) {
    return protocol_violation("UNSUBACK with no reason codes (section 3.11.3)");
  }
  return std::nullopt;
}

}  // namespace telemq::protocol::detail
