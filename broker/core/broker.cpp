// The broker's public face: opening connections, the periodic tick, shutdown, publishing as
// the broker, and rebuilding state from the store at start-up.
#include "broker/core/broker.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "broker/core/broker_impl.hpp"

namespace telemq::core {

using protocol::reason_code;

broker::impl::impl(broker_limits limits, store& storage, access_control& access, log_sink log,
                   timestamp now)
    : limits(limits),
      storage(storage),
      access_rules(access),
      logger(std::move(log)),
      assigned_id_counter(static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count())),
      last_expiry_scan(now),
      current_time(now) {}

broker::broker(broker_limits limits, store& storage, access_control& access, log_sink log,
               timestamp now)
    : impl_(std::make_unique<impl>(limits, storage, access, std::move(log), now)) {}

broker::~broker() = default;

void connection_deleter::operator()(connection* c) const noexcept {
  delete static_cast<connection_state*>(c);  // NOLINT(cppcoreguidelines-owning-memory)
}

connection_ptr broker::open(link& transport, connection_info info, timestamp now) {
  impl& e = *impl_;
  e.current_time = now;
  const std::string& listener = *e.listener_names.insert(std::move(info.listener)).first;
  // Until CONNECT arrives, a peer may not make us buffer more than a CONNECT can need.
  auto state = std::make_unique<connection_state>(e, transport, std::move(info), listener, now,
                                                  e.limits.max_packet_size);
  state->id = e.connections.add(*state);
  return connection_ptr(state.release());
}

void broker::tick(timestamp now) {
  impl& e = *impl_;
  e.current_time = now;
  std::vector<connection_state*> overdue;
  e.connections.for_each([&](connection_state& c) {
    if (c.phase == connection_phase::awaiting_connect) {
      if (now - c.last_packet_at >= e.limits.connect_timeout) {
        overdue.push_back(&c);
      }
    } else if (c.phase == connection_phase::connected && c.keep_alive > 0 &&
               now - c.last_packet_at >= std::chrono::milliseconds(c.keep_alive * 1500)) {
      // One and a half keep-alive periods without a packet [MQTT-3.1.2-24].
      overdue.push_back(&c);
    }
  });
  for (connection_state* c : overdue) {
    if (c->phase == connection_phase::awaiting_connect) {
      e.log(log_level::info, "event=connect_timeout address={}", c->remote_address);
      c->phase = connection_phase::closing;
      c->transport.close();
    } else {
      e.log(log_level::info, "event=keep_alive_timeout client_id={} address={}",
            c->owner ? c->owner->client_id : "", c->remote_address);
      e.disconnect(*c, reason_code::keep_alive_timeout);
    }
  }
  if (now - e.last_expiry_scan >= std::chrono::seconds(1) || now < e.last_expiry_scan) {
    e.last_expiry_scan = now;
    e.expire(now);
  }
  e.register_barriers();
}

void broker::shutdown(timestamp now) {
  impl& e = *impl_;
  e.current_time = now;
  std::vector<connection_state*> all;
  e.connections.for_each([&](connection_state& c) { all.push_back(&c); });
  for (connection_state* c : all) {
    // The broker leaves, not the client: the session is left as it is, will included, and
    // the store keeps it for the next start (see docs/protocol.md).
    if (c->owner != nullptr) {
      c->owner->connection = nullptr;
      c->owner = nullptr;
    }
    if (c->version == protocol::protocol_version::v5 && c->phase == connection_phase::connected) {
      e.send(*c, protocol::disconnect_packet{.reason = reason_code::server_shutting_down});
    }
    c->phase = connection_phase::closing;
    c->transport.close();
  }
  e.stats.connections_current = 0;
}

void broker::publish(message_ptr msg, timestamp now) {
  impl& e = *impl_;
  e.current_time = now;
  auto owned = std::make_shared<message>(*msg);
  if (owned->retain) {
    e.set_retained(owned);
  }
  e.route(owned, nullptr, now);
  e.register_barriers();
}

const broker_stats& broker::stats() const {
  return impl_->stats;
}
const broker_limits& broker::limits() const {
  return impl_->limits;
}
void broker::set_limits(const broker_limits& limits) {
  impl_->limits = limits;
}

void broker::set_log_level(log_level level) {
  impl_->log_threshold = level;
}

void broker::restore(timestamp now) {
  impl& e = *impl_;
  store_snapshot snapshot = e.storage.load();

  for (auto& record : snapshot.sessions) {
    session& s = e.create_session(record.client_id, record.version, record.expiry_interval);
    s.stored = true;
    s.username = record.username;
    // A session that was online when the broker stopped lost its connection then, as far as
    // it can tell: its offline time and will delay start now.
    s.disconnected_at = record.disconnected_at.value_or(now);
    if (record.will) {
      const timestamp due =
          *s.disconnected_at + seconds(std::min(record.will->delay_interval, s.expiry_interval));
      s.will = std::make_unique<session_will>(session_will{std::move(*record.will), due});
    }
  }
  for (auto& record : snapshot.subscriptions) {
    auto it = e.sessions.find(record.client_id);
    if (it == e.sessions.end()) {
      continue;
    }
    session& s = **it;
    if (e.subscriptions.subscribe(record.filter,
                                  subscription_entry{&s, record.options, record.identifier})) {
      ++e.stats.subscriptions;
    }
    s.subscriptions.insert_or_assign(record.filter,
                                     session_subscription{record.options, record.identifier});
  }
  std::unordered_map<std::uint64_t, message_ptr> messages;
  for (auto& msg : snapshot.messages) {
    e.next_message_id = std::max(e.next_message_id, msg->id + 1);
    messages.emplace(msg->id, msg);
  }
  std::sort(
      snapshot.deliveries.begin(), snapshot.deliveries.end(),
      [](const stored_delivery& a, const stored_delivery& b) { return a.sequence < b.sequence; });
  for (auto& record : snapshot.deliveries) {
    auto s_it = e.sessions.find(record.client_id);
    auto m_it = messages.find(record.message_id);
    if (s_it == e.sessions.end() || m_it == messages.end()) {
      continue;
    }
    session& s = **s_it;
    ++m_it->second->store_references;
    delivery d{m_it->second,
               record.qos_level,
               record.retain,
               record.state,
               record.packet_id,
               record.sequence,
               true,
               std::move(record.subscription_identifiers)};
    s.next_sequence = std::max(s.next_sequence, record.sequence + 1);
    if (record.state == delivery_state::queued) {
      session_traffic& t = s.use_traffic();
      t.queued_bytes += d.msg->topic.size() + d.msg->payload.size();
      t.queue.push_back(std::move(d));
      ++e.stats.queued_messages;
    } else {
      s.use_traffic().inflight.insert_or_assign(record.packet_id, std::move(d));
    }
  }
  for (auto& [client_id, packet_id] : snapshot.incoming_qos2) {
    if (auto it = e.sessions.find(client_id); it != e.sessions.end()) {
      (*it)->use_traffic().incoming_qos2.insert(packet_id);
    }
  }
  for (auto& msg : snapshot.retained) {
    if (!msg->expired(now)) {
      e.retained.set(msg);
    }
  }
  e.stats.retained_messages = e.retained.size();
  e.log(log_level::info,
        "event=restored sessions={} subscriptions={} queued_messages={} "
        "retained={}",
        e.sessions.size(), e.stats.subscriptions, snapshot.deliveries.size(), e.retained.size());
}

}  // namespace telemq::core
