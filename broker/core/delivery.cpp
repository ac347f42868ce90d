// Delivering to one session: straight onto the wire when the client can take it, else into the
// session's bounded queue; the in-flight window; resending on resume; encoding the PUBLISH.
#include <fmt/format.h>

#include <algorithm>

#include "broker/core/broker_impl.hpp"

namespace telemq::core {

using protocol::packet_type;
using protocol::protocol_version;
using protocol::qos;

namespace {

std::size_t queued_size(const delivery& d) {
  return d.msg->topic.size() + d.msg->payload.size();
}

}  // namespace

bool broker::impl::can_send(const connection_state& c, qos level) const {
  if (c.phase != connection_phase::connected ||
      c.transport.unsent_bytes() >= limits.max_write_buffer) {
    return false;
  }
  if (level == qos::at_most_once) {
    return true;
  }
  const std::size_t window = std::min<std::size_t>(limits.max_inflight, c.client_receive_maximum);
  return c.owner->inflight_count() < window;
}

void broker::impl::store_message_once(const message_ptr& msg) {
  if (msg->store_references++ == 0) {
    if (msg->id == 0) {
      msg->id = next_message_id++;
    }
    storage.save_message(msg);
  }
}

void broker::impl::forget_stored(session& s, const delivery& d) {
  if (d.stored) {
    storage.delete_delivery(s.client_id, d.msg->id);
    --d.msg->store_references;
  }
}

bool broker::impl::deliver(session& s, const message_ptr& msg, qos qos_level, bool retain,
                           std::vector<std::uint32_t> identifiers, timestamp now) {
  if (msg->expired(now)) {
    ++stats.messages_expired;
    return true;
  }
  delivery d{msg, qos_level,         retain, delivery_state::queued,
             0,   s.next_sequence++, false,  std::move(identifiers)};
  if (s.connection != nullptr && s.queue_empty() && can_send(*s.connection, qos_level)) {
    start(s, *s.connection, std::move(d), now);
    return true;
  }
  return enqueue(s, std::move(d));
}

bool broker::impl::enqueue(session& s, delivery&& d) {
  if (d.qos_level == qos::at_most_once && !s.online() && !limits.queue_qos0_offline) {
    return true;  // QoS 0 is not kept for offline sessions unless configured
  }
  session_traffic& t = s.use_traffic();
  const std::size_t size = queued_size(d);
  while (t.queue.size() >= limits.max_queued_messages ||
         t.queued_bytes + size > limits.max_queued_bytes) {
    // A full queue drops QoS 0 first: a new QoS 0 message is dropped; a new QoS 1/2 one
    // drops the oldest queued message, or is refused, as configured.
    if (d.qos_level == qos::at_most_once || limits.queue_policy == queue_full_policy::refuse ||
        t.queue.empty()) {
      ++stats.publishes_dropped_queue_full;
      log(log_level::debug,
          "event=message_dropped client_id={} reason=queue_full "
          "topic={}",
          s.client_id, d.msg->topic);
      return d.qos_level == qos::at_most_once;
    }
    delivery& oldest = t.queue.front();
    t.queued_bytes -= queued_size(oldest);
    forget_stored(s, oldest);
    t.queue.pop_front();
    --stats.queued_messages;
    ++stats.publishes_dropped_queue_full;
  }
  if (s.persistent() && d.qos_level != qos::at_most_once) {
    store_message_once(d.msg);
    d.stored = true;
    storage.save_delivery(s.delivery_record(d));
  }
  t.queued_bytes += size;
  t.queue.push_back(std::move(d));
  ++stats.queued_messages;
  return true;
}

void broker::impl::start(session& s, connection_state& c, delivery&& d, timestamp now) {
  if (c.client_maximum_packet_size != 0) {
    const protocol::publish_view view = publish_view_of(c, d, false, now);
    if (protocol::encoded_size(view, c.version) > c.client_maximum_packet_size) {
      // Never send more than the client accepts; the message counts as delivered
      // [MQTT-3.1.2-25].
      log(log_level::debug,
          "event=message_dropped client_id={} "
          "reason=client_maximum_packet_size topic={}",
          s.client_id, d.msg->topic);
      forget_stored(s, d);
      return;
    }
  }
  if (d.qos_level == qos::at_most_once) {
    send_publish(c, d, false, now);
    return;
  }
  session_traffic& t = s.use_traffic();
  d.packet_id = s.allocate_packet_id();
  d.state = delivery_state::publish_sent;
  if (s.persistent()) {
    if (!d.stored) {
      store_message_once(d.msg);
      d.stored = true;
    }
    storage.save_delivery(s.delivery_record(d));
  }
  const std::uint16_t packet_id = d.packet_id;
  auto [slot, inserted] = t.inflight.insert_or_assign(packet_id, std::move(d));
  if (slot->second.qos_level == qos::exactly_once && slot->second.stored) {
    // The packet identifier must be durable before the client can see it, or a restart could
    // send the same message under another identifier and the client would take it twice.
    hold(c, packet_type::publish, packet_id, protocol::reason_code::success, false);
  } else {
    send_publish(c, slot->second, false, now);
  }
}

void broker::impl::pump(session& s, timestamp now) {
  connection_state* c = s.connection;
  if (c == nullptr || s.queue_empty()) {
    return;
  }
  session_traffic& t = *s.traffic;
  while (!t.queue.empty()) {
    delivery& next = t.queue.front();
    if (next.msg->expired(now)) {
      ++stats.messages_expired;
    } else if (!can_send(*c, next.qos_level)) {
      break;
    }
    delivery d = std::move(next);
    t.queued_bytes -= queued_size(d);
    t.queue.pop_front();
    --stats.queued_messages;
    if (d.msg->expired(now)) {
      forget_stored(s, d);
      continue;
    }
    start(s, *c, std::move(d), now);
  }
}

void broker::impl::resend_inflight(session& s, timestamp now) {
  if (s.inflight_count() == 0) {
    return;
  }
  connection_state& c = *s.connection;
  std::vector<const delivery*> order;
  order.reserve(s.traffic->inflight.size());
  for (const auto& [id, d] : s.traffic->inflight) {
    order.push_back(&d);
  }
  std::sort(order.begin(), order.end(),
            [](const delivery* a, const delivery* b) { return a->sequence < b->sequence; });
  for (const delivery* d : order) {
    if (d->state == delivery_state::pubrel_sent) {
      hold(c, packet_type::pubrel, d->packet_id, protocol::reason_code::success, false);
    } else if (d->qos_level == qos::exactly_once && d->stored) {
      hold(c, packet_type::publish, d->packet_id, protocol::reason_code::success, true);
    } else {
      send_publish(c, *d, true, now);
    }
  }
}

protocol::publish_view broker::impl::publish_view_of(connection_state& c, const delivery& d,
                                                     bool dup, timestamp now) {
  const message& m = *d.msg;
  protocol::publish_view view;
  view.topic = m.topic;
  view.payload = m.payload;
  view.qos_level = d.qos_level;
  view.retain = d.retain;
  view.dup = dup;
  view.packet_id = d.packet_id;
  if (c.version == protocol_version::v5) {
    view.props = m.props.get();
    if (m.expires_at) {
      // The interval forwarded is what is left of it [MQTT-3.3.2-6], rounded up so that a
      // message is never told it has expired before it has.
      const auto left = std::chrono::ceil<seconds>(*m.expires_at - now).count();
      view.message_expiry_interval = static_cast<std::uint32_t>(std::max<long long>(left, 1));
    }
    view.subscription_identifiers = d.subscription_identifiers;
  }
  return view;
}

void broker::impl::send_publish(connection_state& c, const delivery& d, bool dup, timestamp now) {
  protocol::publish_view view = publish_view_of(c, d, dup, now);
  if (c.client_topic_alias_maximum > 0) {
    // Server-to-client aliases are given to the first topics seen, while the client's maximum
    // allows; the topic is sent once with its alias and then left out.
    auto& aliases = c.use_extras().outgoing_aliases;
    auto alias = aliases.find(d.msg->topic);
    if (alias != aliases.end()) {
      view.topic = {};
      view.topic_alias = alias->second;
    } else if (aliases.size() < c.client_topic_alias_maximum) {
      const auto next = static_cast<std::uint16_t>(aliases.size() + 1);
      aliases.emplace(d.msg->topic, next);
      view.topic_alias = next;
    }
  }
  auto& out = c.transport.output();
  const auto before = out.size();
  protocol::encode_publish(view, c.version, out);
  stats.bytes_sent += out.size() - before;
  stats.publish_bytes_sent_by_qos[static_cast<int>(d.qos_level)] += out.size() - before;
  ++stats.messages_sent;
  ++stats.messages_sent_by_qos[static_cast<int>(d.qos_level)];
  c.transport.flush();
}

}  // namespace telemq::core
