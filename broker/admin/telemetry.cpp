#include "broker/admin/telemetry.hpp"

namespace telemq::admin {

telemetry::telemetry(core::broker& broker, const persistence::sqlite_store* store,
                     const net::connection_set* connections, std::size_t top_capacity,
                     clock::time_point started)
    : broker_(broker),
      store_(store),
      connections_(connections),
      top_capacity_(top_capacity),
      started_(started),
      last_tick_(started),
      top_(top_capacity) {}

void telemetry::observe(const core::message& msg) {
  if (!msg.topic.starts_with("$SYS/")) {
    top_.count(msg.topic);
  }
}

void telemetry::tick(clock::time_point now) {
  const std::chrono::duration<double> elapsed = now - last_tick_;
  last_tick_ = now;
  loads_.update(broker_.stats(), elapsed);
  top_.advance(elapsed);
}

broker_figures telemetry::figures(clock::time_point now) const {
  broker_figures f;
  f.stats = broker_.stats();
  f.uptime = std::chrono::duration_cast<std::chrono::seconds>(now - started_);
  f.stored_messages = f.stats.retained_messages + f.stats.queued_messages;
  // '#' does not reach topics starting with '$' [MQTT-4.7.2-1]; $SYS is the broker's own.
  for (const auto filter : {"#", "$SYS/#"}) {
    broker_.retained_messages(filter, [&](const core::message_ptr& msg) {
      f.stored_message_bytes += msg->payload.size();
      f.retained_bytes += msg->topic.size() + msg->payload.size();
    });
  }
  f.queued_bytes = broker_.queued_bytes();
  if (store_ != nullptr) {
    f.store = store_figures{store_->size_bytes(), store_->stats()};
  }
  if (connections_ != nullptr) {
    f.listeners.assign(connections_->listeners().begin(), connections_->listeners().end());
  }
  return f;
}

std::map<std::string, std::uint64_t> telemetry::connections_by_listener() const {
  std::map<std::string, std::uint64_t> counts;
  for (const auto& s : broker_.sessions()) {
    if (s.online) {
      ++counts[s.listener];
    }
  }
  return counts;
}

}  // namespace telemq::admin
