#include "tools/telemq-bench/report.hpp"

#include <cstdio>
#include <iomanip>
#include <sstream>

namespace telemq::bench {

namespace {

std::string fixed(double value, int decimals) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(decimals) << value;
  return s.str();
}

void row(std::ostream& out, const std::vector<std::string>& cells) {
  out << '|';
  for (const auto& cell : cells) {
    out << ' ' << cell << " |";
  }
  out << '\n';
}

void table(std::ostream& out, const std::vector<std::string>& header,
           const std::vector<std::string>& values) {
  row(out, header);
  out << '|';
  for (std::size_t i = 0; i < header.size(); ++i) {
    out << " --- |";
  }
  out << '\n';
  row(out, values);
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += json_string(items[i]);
  }
  out += ']';
  return out;
}

}  // namespace

void print_progress(double elapsed_s, double in_per_s, double out_per_s) {
  std::fprintf(stderr, "[%6.1fs] in %10.0f msg/s   out %10.0f msg/s\n", elapsed_s, in_per_s,
               out_per_s);
}

void print_table(const bench_report& r, std::ostream& out) {
  if (r.throughput) {
    const auto& t = *r.throughput;
    std::vector<std::string> header{"scenario",        "clients", "qos", "sent",
                                    "received",        "lost",    "dup", "reordered",
                                    "msg/s delivered", "MB/s"};
    std::vector<std::string> values{r.scenario,
                                    r.clients,
                                    std::to_string(r.qos),
                                    std::to_string(t.sent),
                                    std::to_string(t.received),
                                    std::to_string(t.lost),
                                    std::to_string(t.duplicates),
                                    std::to_string(t.reordered),
                                    fixed(t.delivered_per_s, 0),
                                    fixed(t.megabytes_per_s, 2)};
    if (t.latency.samples > 0) {
      header.insert(header.end(), {"p50 us", "p99 us", "p99.9 us", "max us"});
      values.insert(values.end(), {fixed(t.latency.p50_us, 1), fixed(t.latency.p99_us, 1),
                                   fixed(t.latency.p999_us, 1), fixed(t.latency.max_us, 1)});
    }
    table(out, header, values);
  }
  if (r.conn) {
    const auto& c = *r.conn;
    const auto kib = [](const std::optional<std::uint64_t>& v) {
      return v ? std::to_string(*v) : std::string("-");
    };
    table(out,
          {"scenario", "connections", "connected", "connects/s", "held s", "dropped idle",
           "broker RSS before KiB", "broker RSS held KiB", "RSS/connection B"},
          {r.scenario, std::to_string(c.requested), std::to_string(c.connected),
           fixed(c.connects_per_s, 0), fixed(c.hold_seconds, 1),
           std::to_string(c.dropped_while_idle), kib(c.rss_before_kib), kib(c.rss_held_kib),
           c.rss_per_connection_bytes ? fixed(*c.rss_per_connection_bytes, 0) : "-"});
  }
  for (const auto& note : r.notes) {
    out << "note: " << note << '\n';
  }
  for (const auto& problem : r.problems) {
    out << "FAIL: " << problem << '\n';
  }
}

void print_json(const bench_report& r, std::ostream& out) {
  out << "{\"scenario\":" << json_string(r.scenario) << ",\"clients\":" << json_string(r.clients)
      << ",\"qos\":" << r.qos << ",\"mqtt\":" << r.mqtt
      << ",\"transport\":" << json_string(r.transport) << ",\"payload\":" << r.payload;
  if (r.throughput) {
    const auto& t = *r.throughput;
    out << ",\"sent\":" << t.sent << ",\"expected\":" << t.expected
        << ",\"received\":" << t.received << ",\"lost\":" << t.lost
        << ",\"duplicates\":" << t.duplicates << ",\"reordered\":" << t.reordered
        << ",\"unexpected\":" << t.unexpected << ",\"unacked\":" << t.unacked
        << ",\"rejected\":" << t.rejected << ",\"stray\":" << t.stray
        << ",\"seconds\":" << fixed(t.seconds, 3)
        << ",\"msgs_per_s\":" << fixed(t.delivered_per_s, 1)
        << ",\"mb_per_s\":" << fixed(t.megabytes_per_s, 3)
        << ",\"latency_samples\":" << t.latency.samples
        << ",\"p50_us\":" << fixed(t.latency.p50_us, 1)
        << ",\"p99_us\":" << fixed(t.latency.p99_us, 1)
        << ",\"p999_us\":" << fixed(t.latency.p999_us, 1)
        << ",\"max_us\":" << fixed(t.latency.max_us, 1);
  }
  if (r.conn) {
    const auto& c = *r.conn;
    out << ",\"connections\":" << c.requested << ",\"connected\":" << c.connected
        << ",\"connect_seconds\":" << fixed(c.connect_seconds, 3)
        << ",\"connects_per_s\":" << fixed(c.connects_per_s, 1)
        << ",\"hold_seconds\":" << fixed(c.hold_seconds, 1)
        << ",\"dropped_while_idle\":" << c.dropped_while_idle;
    if (c.rss_before_kib) {
      out << ",\"rss_before_kib\":" << *c.rss_before_kib;
    }
    if (c.rss_held_kib) {
      out << ",\"rss_held_kib\":" << *c.rss_held_kib;
    }
    if (c.rss_per_connection_bytes) {
      out << ",\"rss_per_connection_bytes\":" << fixed(*c.rss_per_connection_bytes, 0);
    }
  }
  out << ",\"notes\":" << json_list(r.notes) << ",\"problems\":" << json_list(r.problems)
      << ",\"ok\":" << (r.problems.empty() ? "true" : "false") << "}\n";
}

}  // namespace telemq::bench
