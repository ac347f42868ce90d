// CONNECT: version and identity checks, authentication, session takeover and resumption, and
// the CONNACK that tells a 5.0 client what this server allows.
#include <fmt/format.h>

#include <algorithm>

#include "broker/core/broker_impl.hpp"
#include "broker/protocol/topic.hpp"

namespace telemq::core {

using protocol::protocol_version;
using protocol::reason_code;

namespace {

std::uint32_t requested_expiry(const protocol::connect_packet& p) {
  if (p.version == protocol_version::v5) {
    return p.props.session_expiry_interval.value_or(0);
  }
  // 3.1.1 clean session 0: the session lasts until the client asks otherwise.
  return p.clean_start ? 0 : session_never_expires;
}

}  // namespace

void broker::impl::refuse_connect(connection_state& c, protocol_version version, reason_code reason,
                                  std::string_view why) {
  ++stats.connects_refused_protocol;
  log(log_level::info, "event=connect_refused address={} reason_code=0x{:02X} reason=\"{}\"",
      c.remote_address, static_cast<unsigned>(reason), why);
  // A CONNACK only makes sense for reasons the client can act on; a malformed CONNECT is
  // answered by closing [MQTT-4.8.0-1].
  const bool answer =
      reason == reason_code::unsupported_protocol_version || version == protocol_version::v5 ||
      reason == reason_code::client_identifier_not_valid ||
      reason == reason_code::bad_user_name_or_password || reason == reason_code::not_authorized;
  if (answer) {
    c.version = version;
    send(c, protocol::connack_packet{.session_present = false, .reason = reason});
  }
  c.phase = connection_phase::closing;
  c.transport.close();
}

void broker::impl::on_connect(connection_state& c, protocol::connect_packet&& p, timestamp now) {
  const protocol_version version = p.version;
  c.version = version;
  c.decoder.set_version(version);

  if (p.client_id.empty()) {
    // 3.1.1 allows an empty id only with a clean session [MQTT-3.1.3-8]; 3.1 never.
    if (version != protocol_version::v5 && (!p.clean_start || version == protocol_version::v3_1)) {
      refuse_connect(c, version, reason_code::client_identifier_not_valid,
                     "empty client id without clean session [MQTT-3.1.3-8]");
      return;
    }
  } else if (p.client_id.size() > limits.max_client_id_length) {
    refuse_connect(c, version, reason_code::client_identifier_not_valid, "client id too long");
    return;
  }
  if (p.props.authentication_method) {
    refuse_connect(
        c, version, reason_code::bad_authentication_method,
        fmt::format("unsupported authentication method \"{}\"", *p.props.authentication_method));
    return;
  }
  if (p.will) {
    if (auto invalid = protocol::validate_topic_name(p.will->topic)) {
      refuse_connect(c, version, reason_code::topic_name_invalid,
                     "will topic: " + invalid->message);
      return;
    }
  }

  // Rebuilt for this one call rather than kept: an idle connection would hold it for nothing.
  const connection_info info{c.remote_address, c.listener, c.allow_anonymous,
                             c.certificate_username()};
  if (auto refusal = access_rules.authenticate(info, p.client_id, p.username, p.password)) {
    ++stats.connects_refused_auth;
    log(log_level::debug,
        "event=auth_failed client_id={} address={} username={} reason_code=0x{:02X}", p.client_id,
        c.remote_address, p.username.value_or(""), static_cast<unsigned>(*refusal));
    c.version = version;
    // 3.1.1 has no code for "wrong credentials": return code 4 means the fields are malformed.
    // Mosquitto answers 5 (not authorized) and 3.1.1 clients expect it.
    const reason_code answer =
        version != protocol_version::v5 ? reason_code::not_authorized : *refusal;
    send(c, protocol::connack_packet{.session_present = false, .reason = answer});
    c.phase = connection_phase::closing;
    c.transport.close();
    return;
  }

  protocol::connack_packet ack;
  const bool assigned_id = p.client_id.empty();
  if (assigned_id) {
    p.client_id = assign_client_id();
    if (version == protocol_version::v5) {
      ack.props.assigned_client_identifier = p.client_id;
    }
  }

  std::uint32_t expiry = requested_expiry(p);
  if (expiry > limits.max_session_expiry) {
    expiry = limits.max_session_expiry;
    if (version == protocol_version::v5) {
      ack.props.session_expiry_interval = expiry;
    }
  }

  // Session takeover [MQTT-3.1.4-3]: the older connection goes, with 0x8E for a 5.0 client.
  // Its will follows the rules of any close without DISCONNECT: published at once without a
  // delay, else cancelled when this connection resumes the session [MQTT-3.1.3-9].
  if (auto it = sessions.find(p.client_id); it != sessions.end() && (*it)->connection) {
    connection_state& old = *(*it)->connection;
    log(log_level::info, "event=session_taken_over client_id={} old_address={} new_address={}",
        p.client_id, old.remote_address, c.remote_address);
    disconnect(old, reason_code::session_taken_over);
  }
  session* s = nullptr;
  if (auto it = sessions.find(p.client_id); it != sessions.end()) {
    s = it->get();
    if (p.clean_start) {
      end_session(*s, now);
      s = nullptr;
    }
  }
  const bool session_present = s != nullptr;
  if (s == nullptr) {
    s = &create_session(p.client_id, version, expiry);
  }
  s->version = version;
  s->expiry_interval = expiry;
  // A verified certificate is the identity; the CONNECT username only where there is none.
  s->username =
      info.certificate_username.empty() ? p.username.value_or("") : info.certificate_username;
  s->disconnected_at.reset();
  s->will.reset();
  if (p.will) {
    auto will_msg = std::make_shared<message>();
    will_msg->topic = std::move(p.will->topic);
    will_msg->payload = std::move(p.will->payload);
    will_msg->qos_level = p.will->qos_level;
    will_msg->retain = p.will->retain;
    const std::uint32_t delay = p.will->props.will_delay_interval.value_or(0);
    if (p.will->props.message_expiry_interval) {
      // Kept as an interval until the will is published; see publish_will.
      p.will->props.will_delay_interval.reset();
      will_msg->props = std::make_shared<protocol::properties>(std::move(p.will->props));
    } else {
      p.will->props.will_delay_interval.reset();
      if (p.will->props != protocol::properties{}) {
        will_msg->props = std::make_shared<protocol::properties>(std::move(p.will->props));
      }
    }
    s->will = std::make_unique<session_will>(
        session_will{.record = {.msg = std::move(will_msg), .delay_interval = delay}, .due = {}});
  }

  c.owner = s;
  s->connection = &c;
  c.phase = connection_phase::connected;
  c.publish_will_on_close = true;
  c.decoder.set_max_packet_size(limits.max_packet_size);

  c.keep_alive = p.keep_alive;
  if (version == protocol_version::v5) {
    if (p.keep_alive > limits.max_keep_alive ||
        (p.keep_alive == 0 && limits.max_keep_alive < 65535)) {
      c.keep_alive = limits.max_keep_alive;
      ack.props.server_keep_alive = limits.max_keep_alive;
    }
    c.client_receive_maximum = p.props.receive_maximum.value_or(65535);
    c.client_maximum_packet_size = p.props.maximum_packet_size.value_or(0);
    c.client_topic_alias_maximum = p.props.topic_alias_maximum.value_or(0);
    c.request_problem_information = p.props.request_problem_information.value_or(1) != 0;
    if (limits.receive_maximum != 65535) {
      ack.props.receive_maximum = limits.receive_maximum;
    }
    ack.props.maximum_packet_size = limits.max_packet_size;
    if (limits.topic_alias_maximum > 0) {
      ack.props.topic_alias_maximum = limits.topic_alias_maximum;
    }
    if (!limits.retain_available) {
      ack.props.retain_available = 0;
    }
    if (!limits.wildcard_subscription_available) {
      ack.props.wildcard_subscription_available = 0;
    }
    if (!limits.subscription_identifier_available) {
      ack.props.subscription_identifier_available = 0;
    }
    if (!limits.shared_subscription_available) {
      ack.props.shared_subscription_available = 0;
    }
  }

  if (s->persistent()) {
    save_session(*s);
  } else if (s->stored) {
    // Resumed with a Session Expiry Interval of 0: the session now ends with this connection.
    storage.delete_session(s->client_id);
    s->stored = false;
  }
  ++stats.connections_total;
  ++stats.connections_current;
  stats.connections_maximum = std::max(stats.connections_maximum, stats.connections_current);
  ack.session_present = session_present;
  send(c, ack);
  log(log_level::info,
      "event=connected client_id={} address={} version={} clean_start={} "
      "keep_alive={} session_expiry={} session_present={} username={}",
      s->client_id, c.remote_address, static_cast<unsigned>(version), p.clean_start ? 1 : 0,
      c.keep_alive, expiry, session_present ? 1 : 0, s->username);
  if (session_present) {
    resend_inflight(*s, now);
  }
  pump(*s, now);
}

std::string broker::impl::assign_client_id() {
  // Unique within this run and unlikely to meet an id from an earlier run: the counter starts
  // from the start-up time.
  return fmt::format("telemq-{:016x}", assigned_id_counter++);
}

}  // namespace telemq::core
