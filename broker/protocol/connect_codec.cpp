#include "broker/protocol/connect_codec.hpp"

#include <string>

#include "broker/protocol/reason_codes.hpp"
#include "broker/protocol/topic.hpp"

namespace telemq::protocol::detail {

namespace {

// The rule numbers moved between 3.1.1 and 5.0; a log line should cite the one the peer uses.
std::string rule(protocol_version version, std::string_view v5_rule, std::string_view v311_rule) {
  return std::string(" [") + std::string(version == protocol_version::v5 ? v5_rule : v311_rule) +
         "]";
}

}  // namespace

std::optional<error> decode_connect(reader& in, connect_packet& out) {
  std::string_view name;
  if (!in.string(name)) {
    return truncated("CONNECT", "protocol name");
  }
  std::uint8_t level = 0;
  if (!in.u8(level)) {
    return truncated("CONNECT", "protocol level");
  }
  if (level < 3 || level > 5) {
    return error{reason_code::unsupported_protocol_version,
                 "CONNECT with protocol level " + std::to_string(level) +
                     ", which is not supported (3, 4 and 5 are) [MQTT-3.1.2-2]"};
  }
  const auto version = static_cast<protocol_version>(level);
  if (name != protocol_name(version)) {
    return error{reason_code::unsupported_protocol_version,
                 "CONNECT with wrong protocol name '" + printable(name) + "' for level " +
                     std::to_string(level) + " (expected '" + std::string(protocol_name(version)) +
                     "') [MQTT-3.1.2-1]"};
  }
  out.version = version;
  const bool v5 = version == protocol_version::v5;

  std::uint8_t flags = 0;
  if (!in.u8(flags)) {
    return truncated("CONNECT", "connect flags");
  }
  if ((flags & 0x01) != 0) {
    return malformed("CONNECT with the reserved connect flag set [MQTT-3.1.2-3]");
  }
  out.clean_start = (flags & 0x02) != 0;
  const bool will_flag = (flags & 0x04) != 0;
  const auto will_qos = static_cast<std::uint8_t>((flags >> 3) & 0x03);
  const bool will_retain = (flags & 0x20) != 0;
  const bool password_flag = (flags & 0x40) != 0;
  const bool username_flag = (flags & 0x80) != 0;
  if (!will_flag && will_qos != 0) {
    return malformed("CONNECT with Will QoS " + std::to_string(will_qos) + " but no Will Flag" +
                     rule(version, "MQTT-3.1.2-11", "MQTT-3.1.2-13"));
  }
  if (!will_flag && will_retain) {
    return malformed("CONNECT with Will Retain but no Will Flag" +
                     rule(version, "MQTT-3.1.2-13", "MQTT-3.1.2-15"));
  }
  if (will_qos == 3) {
    return malformed("CONNECT with Will QoS 3" + rule(version, "MQTT-3.1.2-12", "MQTT-3.1.2-14"));
  }
  if (!v5 && password_flag && !username_flag) {
    // 5.0 allows a password without a user name (section 3.1.2.9); 3.1.1 does not.
    return malformed("CONNECT with the Password Flag but no User Name Flag [MQTT-3.1.2-22]");
  }
  if (!in.u16(out.keep_alive)) {
    return truncated("CONNECT", "keep alive");
  }
  if (v5) {
    if (auto bad = read_properties(in, property_scope::connect, out.props, "CONNECT")) {
      return bad;
    }
    if (out.props.authentication_data && !out.props.authentication_method) {
      return protocol_violation(
          "CONNECT with Authentication Data but no Authentication Method (section 3.1.2.11.10)");
    }
  }

  if (auto bad = read_utf8(in, out.client_id, "CONNECT", "client identifier")) {
    return bad;
  }
  if (will_flag) {
    will_message& will = out.will.emplace();
    will.qos_level = static_cast<qos>(will_qos);
    will.retain = will_retain;
    if (v5) {
      if (auto bad = read_properties(in, property_scope::will, will.props, "CONNECT will")) {
        return bad;
      }
    }
    if (auto bad = read_utf8(in, will.topic, "CONNECT", "will topic")) {
      return bad;
    }
    if (auto bad = validate_topic_name(will.topic)) {
      bad->message = "CONNECT will topic: " + bad->message;
      return bad;
    }
    if (auto bad = read_binary(in, will.payload, "CONNECT", "will payload")) {
      return bad;
    }
  }
  if (username_flag) {
    if (auto bad = read_utf8(in, out.username.emplace(), "CONNECT", "user name")) {
      return bad;
    }
  }
  if (password_flag) {
    if (auto bad = read_binary(in, out.password.emplace(), "CONNECT", "password")) {
      return bad;
    }
  }
  if (!in.empty()) {
    return left_over("CONNECT", in.left());
  }
  return std::nullopt;
}

std::optional<error> decode_connack(reader& in, protocol_version version, connack_packet& out) {
  std::uint8_t ack_flags = 0;
  if (!in.u8(ack_flags)) {
    return truncated("CONNACK", "acknowledge flags");
  }
  if (version != protocol_version::v3_1) {
    if ((ack_flags & 0xFE) != 0) {
      return malformed("CONNACK with reserved acknowledge flag bits set [MQTT-3.2.2-1]");
    }
    out.session_present = (ack_flags & 0x01) != 0;
  }
  std::uint8_t code = 0;
  if (!in.u8(code)) {
    return truncated("CONNACK", "reason code");
  }
  if (version == protocol_version::v5) {
    if (auto bad = check_reason(packet_type::connack, code)) {
      return bad;
    }
    out.reason = static_cast<reason_code>(code);
    if (auto bad = read_properties(in, property_scope::connack, out.props, "CONNACK")) {
      return bad;
    }
  } else {
    switch (static_cast<connect_return_code>(code)) {
      case connect_return_code::accepted:
        out.reason = reason_code::success;
        break;
      case connect_return_code::unacceptable_protocol_version:
        out.reason = reason_code::unsupported_protocol_version;
        break;
      case connect_return_code::identifier_rejected:
        out.reason = reason_code::client_identifier_not_valid;
        break;
      case connect_return_code::server_unavailable:
        out.reason = reason_code::server_unavailable;
        break;
      case connect_return_code::bad_user_name_or_password:
        out.reason = reason_code::bad_user_name_or_password;
        break;
      case connect_return_code::not_authorized:
        out.reason = reason_code::not_authorized;
        break;
      default:
        return malformed("CONNACK with reserved return code " + std::to_string(code) +
                         " (3.1.1 section 3.2.2.3)");
    }
  }
  if (!in.empty()) {
    return left_over("CONNACK", in.left());
  }
  return std::nullopt;
}

}  // namespace telemq::protocol::detail
