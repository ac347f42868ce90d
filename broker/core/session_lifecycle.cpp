// How sessions begin and end: creation, the connection going away, wills (with their delay),
// and expiry of offline sessions.
#include <fmt/format.h>

#include "broker/core/broker_impl.hpp"

namespace telemq::core {

session& broker::impl::create_session(const std::string& client_id,
                                      protocol::protocol_version version, std::uint32_t expiry) {
  auto created = std::make_unique<session>(client_id, version, expiry);
  session& s = *created;
  sessions.insert(std::move(created));
  stats.sessions_total = sessions.size();
  return s;
}

void broker::impl::save_session(session& s) {
  storage.save_session(s.record());
  s.stored = true;
}

void broker::impl::remove_subscriptions(session& s) {
  for (const auto& [filter, sub] : s.subscriptions) {
    subscriptions.unsubscribe(filter, &s);
  }
  stats.subscriptions -= std::min<std::uint64_t>(stats.subscriptions, s.subscriptions.size());
  s.subscriptions.clear();
}

void broker::impl::end_session(session& s, timestamp now) {
  if (s.will && s.will->due) {
    // A delayed will is published when the session ends, if that comes first [MQTT-3.1.3-9].
    publish_will(s, now);
  }
  remove_subscriptions(s);
  stats.queued_messages -= std::min<std::uint64_t>(stats.queued_messages, s.queued());
  // Stored sessions are deleted with everything they hold; others never reached the store.
  if (s.stored) {
    storage.delete_session(s.client_id);
  }
  if (s.connection != nullptr) {
    s.connection->owner = nullptr;
  }
  sessions.erase(sessions.find(s.client_id));
  stats.sessions_total = sessions.size();
}

void broker::impl::detach(connection_state& c, timestamp now) {
  session* s = c.owner;
  if (s == nullptr) {
    return;
  }
  c.owner = nullptr;
  s->connection = nullptr;
  s->disconnected_at = now;
  if (stats.connections_current > 0) {
    --stats.connections_current;
  }
  log(log_level::info, "event=disconnected client_id={} address={} will={}", s->client_id,
      c.remote_address, s->will && c.publish_will_on_close ? 1 : 0);
  if (s->will) {
    if (!c.publish_will_on_close) {
      s->will.reset();
    } else {
      const std::uint32_t delay = std::min(s->will->record.delay_interval, s->expiry_interval);
      if (delay == 0) {
        publish_will(*s, now);
      } else {
        s->will->due = now + seconds(delay);
      }
    }
  }
  // In-flight QoS 0 has no state; QoS 1 and 2 stay in flight to be sent again on resume.
  if (!s->persistent()) {
    end_session(*s, now);
    return;
  }
  save_session(*s);
}

void broker::impl::publish_will(session& s, timestamp now) {
  if (!s.will) {
    return;
  }
  const stored_will will = std::move(s.will->record);
  s.will.reset();
  if (s.persistent() && s.online() == false) {
    save_session(s);
  }
  if (!may(s, will.msg->topic, access::write)) {
    ++stats.publishes_denied_acl;
    log(log_level::info, "event=will_denied client_id={} topic={}", s.client_id, will.msg->topic);
    return;
  }
  auto msg = std::make_shared<message>(*will.msg);
  msg->id = 0;
  if (msg->props && msg->props->message_expiry_interval) {
    msg->expires_at = now + seconds(*msg->props->message_expiry_interval);
    auto props = std::make_shared<protocol::properties>(*msg->props);
    props->message_expiry_interval.reset();
    msg->props = *props == protocol::properties{} ? nullptr : std::move(props);
  }
  log(log_level::info, "event=will_published client_id={} topic={}", s.client_id, msg->topic);
  if (msg->retain) {
    set_retained(msg);
  }
  route(msg, &s, now);
}

void broker::impl::expire(timestamp now) {
  std::vector<session*> ending;
  for (auto& s : sessions) {
    // Once a second is soon enough to give back what a session no longer uses, and rare enough
    // that a busy session does not allocate again for every message.
    if (s->traffic && s->traffic->empty()) {
      s->traffic.reset();
    }
    if (s->online()) {
      continue;
    }
    if (s->will && s->will->due && *s->will->due <= now) {
      publish_will(*s, now);
    }
    if (s->expiry_interval != session_never_expires && s->disconnected_at &&
        *s->disconnected_at + seconds(s->expiry_interval) <= now) {
      ending.push_back(s.get());
    }
  }
  for (session* s : ending) {
    log(log_level::info, "event=session_expired client_id={}", s->client_id);
    end_session(*s, now);
  }
}

bool broker::impl::may(const session& s, std::string_view topic, access kind) {
  return access_rules.allowed(client_view{s.client_id, s.username}, topic, kind);
}

}  // namespace telemq::core
