#pragma once
// One reading of everything $SYS, /metrics and the status endpoint report, taken on the broker
// thread, and the load averages kept from successive readings.
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "broker/admin/load_average.hpp"
#include "broker/core/stats.hpp"
#include "broker/net/listener_limits.hpp"
#include "persistence/sqlite_store.hpp"

namespace telemq::admin {

struct store_figures {
  std::uint64_t size_bytes = 0;  // the database and its write-ahead log
  persistence::store_stats stats;
};

struct broker_figures {
  core::broker_stats stats;
  std::chrono::seconds uptime{0};
  // Retained messages and queued deliveries, and the payload bytes of the retained ones.
  std::uint64_t stored_messages = 0;
  std::uint64_t stored_message_bytes = 0;
  // Topic and payload bytes of the retained messages, and of the messages in session queues.
  std::uint64_t retained_bytes = 0;
  std::uint64_t queued_bytes = 0;
  std::optional<store_figures> store;  // nothing in memory mode
  // Open connections, admissions and refusals per listener, in configuration order.
  std::vector<net::listener_counters> listeners;
};

// The counters Mosquitto reports load averages for.
struct broker_loads {
  load_average messages_received;
  load_average messages_sent;
  load_average bytes_received;
  load_average bytes_sent;
  load_average connections;  // new connections

  void update(const core::broker_stats& stats, std::chrono::duration<double> elapsed);
};

}  // namespace telemq::admin
