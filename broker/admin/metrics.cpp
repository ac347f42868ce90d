#include "broker/admin/metrics.hpp"

#include <fmt/format.h>

#include <chrono>
#include <string>

#include "broker/admin/prometheus_writer.hpp"

namespace telemq::admin {
namespace {

double seconds(std::chrono::microseconds us) {
  return std::chrono::duration<double>(us).count();
}

void by_qos(prometheus_writer& out, std::string_view name, std::string_view help,
            const std::uint64_t (&counts)[3]) {
  out.family(name, "counter", help);
  out.sample(name, counts[0], {{"qos", "0"}});
  out.sample(name, counts[1], {{"qos", "1"}});
  out.sample(name, counts[2], {{"qos", "2"}});
}

// A histogram family from a store reading: cumulative buckets, +Inf, _sum and _count. Bounds and
// the sum are divided by unit (1e6 turns microseconds into seconds).
void histogram(prometheus_writer& out, std::string_view name, std::string_view help,
               const persistence::histogram_snapshot& h, double unit) {
  out.family(name, "histogram", help);
  const std::string bucket = std::string(name) + "_bucket";
  for (std::size_t i = 0; i < h.upper_bounds.size(); ++i) {
    const std::string le = fmt::format("{}", static_cast<double>(h.upper_bounds[i]) / unit);
    out.sample(bucket, h.cumulative[i], {{"le", le}});
  }
  out.sample(bucket, h.count, {{"le", "+Inf"}});
  out.sample(std::string(name) + "_sum", static_cast<double>(h.sum) / unit);
  out.sample(std::string(name) + "_count", h.count);
}

void store_metrics(prometheus_writer& out, const store_figures& store) {
  const persistence::store_stats& s = store.stats;
  out.gauge("telemq_store_size_bytes", "Size of the database and its write-ahead log.",
            static_cast<double>(store.size_bytes));
  out.counter("telemq_store_operations_total", "Store calls received from the broker.",
              s.operations);
  out.counter("telemq_store_batches_total",
              "Transactions committed (group commit: one holds many operations).", s.batches);
  out.counter("telemq_store_rows_written_total", "Row changes committed, after coalescing.",
              s.rows_written);
  out.counter("telemq_store_write_errors_total", "Failed attempts to commit a batch (retried).",
              s.write_errors);
  out.gauge("telemq_store_pending_operations", "Store calls waiting for the next batch.",
            static_cast<double>(s.pending_operations));
  histogram(out, "telemq_store_commit_seconds", "Time to commit a batch.", s.commit_latency_us,
            1e6);
  histogram(out, "telemq_store_batch_operations", "Store calls per committed batch (group commit).",
            s.batch_operations, 1);
  out.gauge("telemq_store_commit_seconds_max", "Longest commit since the start.",
            seconds(s.max_commit_latency));
  out.gauge("telemq_store_commit_seconds_last", "Duration of the latest commit.",
            seconds(s.last_commit_latency));
}

// What each listener admitted and refused right after accept, before any TLS or MQTT work.
void listener_metrics(prometheus_writer& out,
                      const std::vector<net::listener_counters>& listeners) {
  if (listeners.empty()) {
    return;
  }
  out.family("telemq_listener_open_connections", "gauge",
             "Open connections per listener, TLS handshakes and HTTP sessions included (what "
             "max_connections counts).");
  for (const auto& l : listeners) {
    out.sample("telemq_listener_open_connections", std::uint64_t{l.open},
               {{"listener", l.listener}});
  }
  out.family("telemq_listener_connections_accepted_total", "counter",
             "Connections a listener let through its limits.");
  for (const auto& l : listeners) {
    out.sample("telemq_listener_connections_accepted_total", l.accepted,
               {{"listener", l.listener}});
  }
  out.family("telemq_listener_connections_refused_total", "counter",
             "Connections closed right after accept, by listener and by the limit reached.");
  for (const auto& l : listeners) {
    for (std::size_t i = 0; i < net::refusal_reason_count; ++i) {
      const auto reason = static_cast<net::refusal_reason>(i);
      out.sample("telemq_listener_connections_refused_total", l.refused_for(reason),
                 {{"listener", l.listener}, {"reason", net::to_string(reason)}});
    }
  }
}

}  // namespace

std::string render_metrics(const broker_figures& figures,
                           const std::map<std::string, std::uint64_t>& connections_by_listener) {
  const core::broker_stats& s = figures.stats;
  prometheus_writer out;
  out.gauge("telemq_uptime_seconds", "Seconds since the broker started.",
            static_cast<double>(figures.uptime.count()));

  out.gauge("telemq_connections", "Connected MQTT clients.",
            static_cast<double>(s.connections_current));
  out.gauge("telemq_connections_maximum", "Most MQTT clients connected at once since the start.",
            static_cast<double>(s.connections_maximum));
  out.counter("telemq_connections_total", "MQTT connections accepted (CONNECT succeeded).",
              s.connections_total);
  // Every listener, those without clients too.
  auto clients_by_listener = connections_by_listener;
  for (const auto& l : figures.listeners) {
    clients_by_listener.try_emplace(l.listener, 0);
  }
  out.family("telemq_listener_connections", "gauge", "Connected MQTT clients per listener.");
  for (const auto& [listener, count] : clients_by_listener) {
    out.sample("telemq_listener_connections", count, {{"listener", listener}});
  }
  listener_metrics(out, figures.listeners);
  out.gauge("telemq_sessions", "Sessions, online and offline.",
            static_cast<double>(s.sessions_total));
  out.gauge("telemq_subscriptions", "Subscriptions of every session.",
            static_cast<double>(s.subscriptions));
  out.gauge("telemq_retained_messages", "Retained messages.",
            static_cast<double>(s.retained_messages));
  out.gauge("telemq_queued_messages", "Messages waiting in session queues, all sessions.",
            static_cast<double>(s.queued_messages));
  out.gauge("telemq_retained_bytes", "Topic and payload bytes of the retained messages.",
            static_cast<double>(figures.retained_bytes));
  out.gauge("telemq_queued_bytes",
            "Topic and payload bytes of the messages in session queues, all sessions.",
            static_cast<double>(figures.queued_bytes));

  by_qos(out, "telemq_messages_received_total", "PUBLISH packets received from clients.",
         s.messages_received_by_qos);
  by_qos(out, "telemq_messages_sent_total", "PUBLISH packets sent to clients.",
         s.messages_sent_by_qos);
  out.counter("telemq_bytes_received_total", "Bytes read from MQTT connections.", s.bytes_received);
  out.counter("telemq_bytes_sent_total", "Bytes written to MQTT connections.", s.bytes_sent);
  by_qos(out, "telemq_publish_bytes_received_total",
         "Bytes of the PUBLISH packets received from clients.", s.publish_bytes_received_by_qos);
  by_qos(out, "telemq_publish_bytes_sent_total", "Bytes of the PUBLISH packets sent to clients.",
         s.publish_bytes_sent_by_qos);

  out.family("telemq_messages_dropped_total", "counter", "Messages not delivered, by reason.");
  out.sample("telemq_messages_dropped_total", s.publishes_dropped_queue_full,
             {{"reason", "queue_full"}});
  out.sample("telemq_messages_dropped_total", s.publishes_dropped_qos0_slow,
             {{"reason", "slow_consumer"}});
  out.sample("telemq_messages_dropped_total", s.messages_expired, {{"reason", "expired"}});

  out.family("telemq_connections_refused_total", "counter", "CONNECTs refused, by reason.");
  out.sample("telemq_connections_refused_total", s.connects_refused_auth,
             {{"reason", "not_authorized"}});
  out.sample("telemq_connections_refused_total", s.connects_refused_protocol,
             {{"reason", "protocol"}});

  out.family("telemq_publishes_refused_total", "counter", "PUBLISH packets refused, by reason.");
  out.sample("telemq_publishes_refused_total", s.publishes_denied_acl, {{"reason", "acl"}});
  out.sample("telemq_publishes_refused_total", s.publishes_rate_limited,
             {{"reason", "rate_limit"}});

  out.family("telemq_subscriptions_refused_total", "counter",
             "Subscription filters refused, by reason.");
  out.sample("telemq_subscriptions_refused_total", s.subscribes_denied_acl, {{"reason", "acl"}});

  out.counter("telemq_protocol_errors_total", "Connections closed for a protocol error.",
              s.protocol_errors);

  if (figures.store) {
    store_metrics(out, *figures.store);
  }
  return out.text();
}

}  // namespace telemq::admin
