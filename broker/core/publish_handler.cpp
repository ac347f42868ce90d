// What a client sends about messages: its own PUBLISH (with topic aliases, Receive Maximum,
// access control and the QoS 2 exactly-once record), the acknowledgements of our deliveries,
// and DISCONNECT.
#include <fmt/format.h>

#include <algorithm>

#include "broker/core/broker_impl.hpp"

namespace telemq::core {

using protocol::packet_type;
using protocol::protocol_version;
using protocol::qos;
using protocol::reason_code;

namespace {

// The properties a message carries to its subscribers (MQTT 5.0 section 3.3.2.3); the others
// belong to the hop from the publisher.
std::shared_ptr<const protocol::properties> forwarded_properties(protocol::properties& in) {
  if (!in.payload_format_indicator && !in.content_type && !in.response_topic &&
      !in.correlation_data && in.user_properties.empty()) {
    return nullptr;
  }
  auto out = std::make_shared<protocol::properties>();
  out->payload_format_indicator = in.payload_format_indicator;
  out->content_type = std::move(in.content_type);
  out->response_topic = std::move(in.response_topic);
  out->correlation_data = std::move(in.correlation_data);
  out->user_properties = std::move(in.user_properties);
  return out;
}

// Takes one message of `bytes` from the client's buckets; false when a limit is exceeded.
bool within_rate(connection_state& c, const broker_limits& limits, std::size_t bytes,
                 timestamp now) {
  if (limits.max_publish_rate == 0 && limits.max_publish_bytes_rate == 0) {
    return true;
  }
  connection_extras& x = c.use_extras();
  if (!x.rate_started) {
    // The buckets start full, with one second of burst: as if filled at CONNECT, since they
    // hold no more than one second's worth.
    x.rate_started = true;
    x.publish_tokens = limits.max_publish_rate;
    x.publish_byte_tokens = static_cast<double>(limits.max_publish_bytes_rate);
    x.rate_refilled_at = now;
  }
  const double elapsed = std::chrono::duration<double>(now - x.rate_refilled_at).count();
  x.rate_refilled_at = now;
  const auto refill = [elapsed](double& tokens, double per_second) {
    tokens = std::min(per_second, tokens + elapsed * per_second);
  };
  bool ok = true;
  if (limits.max_publish_rate != 0) {
    refill(x.publish_tokens, limits.max_publish_rate);
    x.publish_tokens -= 1;
    ok = x.publish_tokens >= 0;
  }
  if (limits.max_publish_bytes_rate != 0) {
    refill(x.publish_byte_tokens, static_cast<double>(limits.max_publish_bytes_rate));
    x.publish_byte_tokens -= static_cast<double>(bytes);
    ok = ok && x.publish_byte_tokens >= 0;
  }
  return ok;
}

std::size_t level_count(std::string_view topic) {
  return static_cast<std::size_t>(std::count(topic.begin(), topic.end(), '/')) + 1;
}

}  // namespace

void broker::impl::on_publish(connection_state& c, protocol::publish_packet&& p, timestamp now) {
  session& s = *c.owner;
  ++stats.messages_received;
  ++stats.messages_received_by_qos[static_cast<int>(p.qos_level)];
  if (!within_rate(c, limits, p.topic.size() + p.payload.size(), now)) {
    ++stats.publishes_rate_limited;
    fail(c, reason_code::message_rate_too_high, "publish rate above the configured limit");
    return;
  }

  if (c.version == protocol_version::v5 && p.props.topic_alias) {
    const std::uint16_t alias = *p.props.topic_alias;
    if (alias == 0 || alias > limits.topic_alias_maximum) {
      fail(c, reason_code::topic_alias_invalid,
           fmt::format("Topic Alias {} outside 1..{} [MQTT-3.3.2-9]", alias,
                       limits.topic_alias_maximum));
      return;
    }
    if (!p.topic.empty()) {
      auto& aliases = c.use_extras().incoming_aliases;
      if (aliases.size() < alias) {
        aliases.resize(alias);
      }
      aliases[alias - 1] = p.topic;
    } else if (!c.extras || alias > c.extras->incoming_aliases.size() ||
               c.extras->incoming_aliases[alias - 1].empty()) {
      fail(c, reason_code::protocol_error,
           fmt::format("Topic Alias {} used before it was set [MQTT-3.3.4-1]", alias));
      return;
    } else {
      p.topic = c.extras->incoming_aliases[alias - 1];
    }
  }
  if (p.topic.size() > limits.max_topic_length || level_count(p.topic) > limits.max_topic_levels) {
    fail(c, reason_code::topic_name_invalid, "topic longer or deeper than the configured limit");
    return;
  }

  if (p.qos_level == qos::exactly_once && s.traffic &&
      s.traffic->incoming_qos2.contains(p.packet_id)) {
    // A resend of a QoS 2 message we already own: acknowledge again, deliver nothing
    // [MQTT-4.3.3-9].
    hold(c, packet_type::pubrec, p.packet_id, reason_code::success, false);
    return;
  }
  if (p.qos_level != qos::at_most_once && c.version == protocol_version::v5 &&
      c.unacknowledged_qos1() + s.incoming_qos2_count() >= limits.receive_maximum) {
    fail(c, reason_code::receive_maximum_exceeded,
         fmt::format("more than Receive Maximum {} unacknowledged QoS 1/2 PUBLISH [MQTT-3.3.4-9]",
                     limits.receive_maximum));
    return;
  }

  reason_code reason = reason_code::success;
  // Clients do not publish into the broker's own $SYS tree, whatever the ACL says.
  const bool system_topic = p.topic.starts_with("$SYS/") || p.topic == "$SYS";
  if (system_topic || !may(s, p.topic, access::write)) {
    ++stats.publishes_denied_acl;
    log(log_level::info, "event=publish_denied client_id={} topic={}", s.client_id, p.topic);
    reason = reason_code::not_authorized;
  } else if (p.retain && !limits.retain_available) {
    fail(c, reason_code::retain_not_supported, "retained message while Retain Available is 0");
    return;
  } else {
    auto msg = std::make_shared<message>();
    msg->topic = std::move(p.topic);
    msg->payload = std::move(p.payload);
    msg->qos_level = p.qos_level;
    msg->retain = p.retain;
    if (c.version == protocol_version::v5) {
      if (p.props.message_expiry_interval) {
        msg->expires_at = now + seconds(*p.props.message_expiry_interval);
      }
      msg->props = forwarded_properties(p.props);
    }
    if (msg->retain) {
      set_retained(msg);
    }
    switch (route(msg, &s, now)) {
      case route_outcome::delivered:
        break;
      case route_outcome::no_subscribers:
        reason = reason_code::no_matching_subscribers;
        break;
      case route_outcome::quota_exceeded:
        reason = reason_code::quota_exceeded;
        break;
    }
  }

  switch (p.qos_level) {
    case qos::at_most_once:
      break;
    case qos::at_least_once:
      hold(c, packet_type::puback, p.packet_id, reason, false);
      break;
    case qos::exactly_once:
      // A 5.0 refusal ends the exchange at PUBREC; otherwise the packet identifier is recorded
      // (and stored, before PUBREC leaves) so a resend is never delivered twice.
      if (!(c.version == protocol_version::v5 && protocol::is_error(reason))) {
        s.use_traffic().incoming_qos2.insert(p.packet_id);
        if (s.persistent()) {
          storage.save_incoming_qos2(s.client_id, p.packet_id);
        }
      }
      hold(c, packet_type::pubrec, p.packet_id, reason, false);
      break;
  }
}

void broker::impl::on_puback(connection_state& c, const protocol::puback_packet& p, timestamp now) {
  session& s = *c.owner;
  // Allocated already unless the client acknowledges what was never sent.
  auto& inflight = s.use_traffic().inflight;
  auto it = inflight.find(p.packet_id);
  if (it == inflight.end() || it->second.qos_level != qos::at_least_once) {
    log(log_level::debug, "event=unknown_puback client_id={} packet_id={}", s.client_id,
        p.packet_id);
    return;
  }
  forget_stored(s, it->second);
  inflight.erase(it);
  pump(s, now);
}

void broker::impl::on_pubrec(connection_state& c, const protocol::pubrec_packet& p, timestamp now) {
  session& s = *c.owner;
  auto& inflight = s.use_traffic().inflight;
  auto it = inflight.find(p.packet_id);
  if (it == inflight.end() || it->second.qos_level != qos::exactly_once) {
    hold(c, packet_type::pubrel, p.packet_id, reason_code::packet_identifier_not_found, false);
    return;
  }
  if (c.version == protocol_version::v5 && protocol::is_error(p.reason)) {
    // The client refused the message; the exchange ends here.
    forget_stored(s, it->second);
    inflight.erase(it);
    pump(s, now);
    return;
  }
  delivery& d = it->second;
  if (d.state != delivery_state::pubrel_sent) {
    d.state = delivery_state::pubrel_sent;
    if (d.stored) {
      // PUBREL may only leave once this state is durable: after a restart the message must be
      // released again, not sent again.
      storage.save_delivery(s.delivery_record(d));
    }
  }
  hold(c, packet_type::pubrel, p.packet_id, reason_code::success, false);
}

void broker::impl::on_pubrel(connection_state& c, const protocol::pubrel_packet& p, timestamp) {
  session& s = *c.owner;
  if (!s.traffic || s.traffic->incoming_qos2.erase(p.packet_id) == 0) {
    hold(c, packet_type::pubcomp, p.packet_id, reason_code::packet_identifier_not_found, false);
    return;
  }
  if (s.persistent()) {
    // PUBCOMP frees the identifier for the client's next message, so the store must have
    // forgotten it first or that message would be taken for a resend.
    storage.delete_incoming_qos2(s.client_id, p.packet_id);
  }
  hold(c, packet_type::pubcomp, p.packet_id, reason_code::success, false);
}

void broker::impl::on_pubcomp(connection_state& c, const protocol::pubcomp_packet& p,
                              timestamp now) {
  session& s = *c.owner;
  auto& inflight = s.use_traffic().inflight;
  auto it = inflight.find(p.packet_id);
  if (it == inflight.end() || it->second.state != delivery_state::pubrel_sent) {
    log(log_level::debug, "event=unknown_pubcomp client_id={} packet_id={}", s.client_id,
        p.packet_id);
    return;
  }
  forget_stored(s, it->second);
  inflight.erase(it);
  pump(s, now);
}

void broker::impl::on_disconnect(connection_state& c, const protocol::disconnect_packet& p,
                                 timestamp now) {
  session& s = *c.owner;
  if (c.version == protocol_version::v5) {
    if (p.props.session_expiry_interval) {
      if (s.expiry_interval == 0 && *p.props.session_expiry_interval != 0) {
        fail(c, reason_code::protocol_error,
             "DISCONNECT sets a Session Expiry Interval after CONNECT set 0 [MQTT-3.14.2-2]");
        return;
      }
      s.expiry_interval = std::min(*p.props.session_expiry_interval, limits.max_session_expiry);
    }
  }
  // A normal DISCONNECT discards the will [MQTT-3.14.4-3]; 5.0's 0x04 asks for it.
  c.publish_will_on_close =
      c.version == protocol_version::v5 && p.reason == reason_code::disconnect_with_will_message;
  c.phase = connection_phase::closing;
  detach(c, now);
  c.transport.close();
}

}  // namespace telemq::core
