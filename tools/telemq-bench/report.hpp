#pragma once
// What a run found, and its three renderings: the progress line on stderr every second, the
// final table on stdout, and one JSON object for scripts.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace telemq::bench {

struct latency_summary {
  std::uint64_t samples = 0;
  double p50_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double max_us = 0;
};

struct throughput_numbers {
  std::uint64_t sent = 0;
  std::uint64_t expected = 0;  // sent times the subscribers each message goes to
  std::uint64_t received = 0;  // distinct deliveries
  std::uint64_t lost = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t reordered = 0;
  std::uint64_t unexpected = 0;  // deliveries from a publisher the subscriber did not expect
  std::uint64_t unacked = 0;     // QoS 1/2 publishes without PUBACK/PUBCOMP at the end
  std::uint64_t rejected = 0;    // acks with an error reason code
  std::uint64_t stray = 0;       // acks for unknown ids
  double seconds = 0;            // first send to last delivery
  double delivered_per_s = 0;
  double megabytes_per_s = 0;
  latency_summary latency;
};

struct conn_numbers {
  std::uint32_t requested = 0;
  std::uint32_t connected = 0;
  double connect_seconds = 0;
  double connects_per_s = 0;
  double hold_seconds = 0;
  std::uint32_t dropped_while_idle = 0;
  std::optional<std::uint64_t> rss_before_kib;
  std::optional<std::uint64_t> rss_held_kib;  // the highest seen while holding
  std::optional<double> rss_per_connection_bytes;
};

struct bench_report {
  std::string scenario;
  std::string clients;  // "8->1", "1->50", "50x(1->1)", "10000"
  int qos = 0;
  int mqtt = 5;
  std::string transport = "tcp";
  std::size_t payload = 0;
  std::optional<throughput_numbers> throughput;
  std::optional<conn_numbers> conn;
  std::vector<std::string> notes;     // worth knowing, not a failure
  std::vector<std::string> problems;  // any of these makes the exit status non-zero
};

void print_progress(double elapsed_s, double in_per_s, double out_per_s);
void print_table(const bench_report& report, std::ostream& out);
void print_json(const bench_report& report, std::ostream& out);

}  // namespace telemq::bench
