#pragma once
// Counters the broker keeps for $SYS and /metrics. Plain integers: the broker thread is the
// only writer; readers on other threads take a copy through the server.
#include <cstdint>

namespace telemq::core {

struct broker_stats {
  std::uint64_t connections_current = 0;
  std::uint64_t connections_total = 0;
  std::uint64_t connections_maximum = 0;
  std::uint64_t sessions_total = 0;  // online and offline
  std::uint64_t messages_received = 0;
  std::uint64_t messages_sent = 0;
  std::uint64_t messages_received_by_qos[3] = {};
  std::uint64_t messages_sent_by_qos[3] = {};
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
  // Whole PUBLISH packets (fixed header included), by the QoS they travelled at.
  std::uint64_t publish_bytes_received_by_qos[3] = {};
  std::uint64_t publish_bytes_sent_by_qos[3] = {};
  std::uint64_t publishes_dropped_queue_full = 0;
  std::uint64_t publishes_dropped_qos0_slow = 0;
  std::uint64_t messages_expired = 0;
  std::uint64_t connects_refused_auth = 0;
  std::uint64_t connects_refused_protocol = 0;
  std::uint64_t protocol_errors = 0;
  std::uint64_t publishes_denied_acl = 0;
  std::uint64_t publishes_rate_limited = 0;
  std::uint64_t subscribes_denied_acl = 0;
  std::uint64_t subscriptions = 0;
  std::uint64_t retained_messages = 0;
  std::uint64_t queued_messages = 0;
};

}  // namespace telemq::core
