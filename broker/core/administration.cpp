// What operators can see and do through the admin API: sessions, subscriptions and retained
// messages, and the few actions that change them.
#include <fmt/format.h>

#include "broker/core/broker_impl.hpp"

namespace telemq::core {

namespace {

session_info describe(const session& s) {
  session_info info;
  info.client_id = s.client_id;
  info.username = s.username;
  info.online = s.online();
  if (s.connection != nullptr) {
    info.address = s.connection->remote_address;
    info.listener = s.connection->listener;
    info.keep_alive = s.connection->keep_alive;
  }
  info.version = s.version;
  info.expiry_interval = s.expiry_interval;
  info.queued = s.queued();
  info.inflight = s.inflight_count();
  info.subscriptions = s.subscriptions.size();
  info.disconnected_at = s.disconnected_at;
  return info;
}

}  // namespace

void broker::add_observer(message_observer observer) {
  impl_->observers.push_back(std::move(observer));
}

std::vector<session_info> broker::sessions() const {
  std::vector<session_info> all;
  all.reserve(impl_->sessions.size());
  for (const auto& s : impl_->sessions) {
    all.push_back(describe(*s));
  }
  return all;
}

std::optional<session_info> broker::find_session(std::string_view client_id) const {
  auto it = impl_->sessions.find(client_id);
  if (it == impl_->sessions.end()) {
    return std::nullopt;
  }
  return describe(**it);
}

std::vector<subscription_info> broker::subscriptions(std::string_view client_id) const {
  std::vector<subscription_info> all;
  const auto add = [&](const session& s) {
    for (const auto& [filter, sub] : s.subscriptions) {
      all.push_back(subscription_info{s.client_id, filter, sub.options, sub.identifier});
    }
  };
  if (!client_id.empty()) {
    if (auto it = impl_->sessions.find(client_id); it != impl_->sessions.end()) {
      add(**it);
    }
    return all;
  }
  for (const auto& s : impl_->sessions) {
    add(*s);
  }
  return all;
}

bool broker::disconnect_client(std::string_view client_id, timestamp now) {
  impl& e = *impl_;
  e.current_time = now;
  auto it = e.sessions.find(client_id);
  if (it == e.sessions.end() || (*it)->connection == nullptr) {
    return false;
  }
  connection_state& c = *(*it)->connection;
  e.log(log_level::info, "event=admin_disconnect client_id={}", client_id);
  e.disconnect(c, protocol::reason_code::administrative_action);
  e.register_barriers();
  return true;
}

bool broker::delete_session(std::string_view client_id, timestamp now) {
  impl& e = *impl_;
  e.current_time = now;
  auto it = e.sessions.find(client_id);
  if (it == e.sessions.end()) {
    return false;
  }
  session& s = **it;
  e.log(log_level::info, "event=admin_delete_session client_id={}", client_id);
  if (s.connection != nullptr) {
    connection_state& c = *s.connection;
    // The operator deletes the session: its will goes with it.
    c.publish_will_on_close = false;
    e.disconnect(c, protocol::reason_code::administrative_action);
  }
  if (auto again = e.sessions.find(client_id); again != e.sessions.end()) {
    (*again)->will.reset();
    e.end_session(**again, now);
  }
  e.register_barriers();
  return true;
}

void broker::retained_messages(std::string_view filter,
                               const std::function<void(const message_ptr&)>& visit) const {
  impl_->retained.match(filter, visit);
}

std::uint64_t broker::queued_bytes() const {
  std::uint64_t total = 0;
  for (const auto& s : impl_->sessions) {
    total += s->queued_bytes();
  }
  return total;
}

bool broker::delete_retained(std::string_view topic) {
  impl& e = *impl_;
  if (!e.retained.erase(topic)) {
    return false;
  }
  e.storage.delete_retained(std::string(topic));
  e.stats.retained_messages = e.retained.size();
  return true;
}

}  // namespace telemq::core
