#pragma once
// What the admin module measures of a running broker: readings of its counters, the load
// averages and the busiest topics, kept up to date by a tick every second. Broker thread only.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "broker/admin/broker_figures.hpp"
#include "broker/admin/topic_top.hpp"
#include "broker/core/broker.hpp"
#include "broker/net/connection_set.hpp"

namespace telemq::admin {

class telemetry {
 public:
  using clock = std::chrono::steady_clock;

  // store: the SQLite store, or null in memory mode. connections: the listeners' counters, or
  // null. top_capacity: topics followed; 0 turns the per-message count off.
  telemetry(core::broker& broker, const persistence::sqlite_store* store,
            const net::connection_set* connections, std::size_t top_capacity,
            clock::time_point started);

  // Counts a message for the busiest topics; the broker's own $SYS messages are left out.
  void observe(const core::message& msg);
  void tick(clock::time_point now);

  broker_figures figures(clock::time_point now) const;
  const broker_loads& loads() const { return loads_; }
  bool counts_topics() const { return top_capacity_ > 0; }
  std::vector<topic_top::entry> busiest(std::size_t n) const { return top_.top(n); }
  std::size_t topics_followed() const { return top_.size(); }
  // Connected clients per listener URL.
  std::map<std::string, std::uint64_t> connections_by_listener() const;

 private:
  core::broker& broker_;
  const persistence::sqlite_store* store_;
  const net::connection_set* connections_;
  std::size_t top_capacity_;
  clock::time_point started_;
  clock::time_point last_tick_;
  broker_loads loads_;
  topic_top top_;
};

}  // namespace telemq::admin
