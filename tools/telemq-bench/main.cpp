// telemq-bench: load generator and delivery checker for MQTT brokers. See docs/performance.md.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>
#include <map>

#include "tools/telemq-bench/conn_scenario.hpp"
#include "tools/telemq-bench/payload.hpp"
#include "tools/telemq-bench/throughput_scenario.hpp"

namespace {

using telemq::bench::options;
using telemq::bench::scenario_kind;

// Exit statuses: 0 clean run, 1 the broker lost, duplicated or reordered what it must not (or a
// client failed), 2 the command line or the set-up was wrong.
constexpr int exit_broker_fault = 1;
constexpr int exit_usage = 2;

void apply_scenario_defaults(options& opts, bool publishers_given, bool subscribers_given,
                             bool rate_given) {
  switch (opts.scenario) {
    case scenario_kind::fanin:
      opts.publishers = publishers_given ? opts.publishers : 8;
      opts.subscribers = subscribers_given ? opts.subscribers : 1;
      break;
    case scenario_kind::fanout:
      opts.publishers = publishers_given ? opts.publishers : 1;
      opts.subscribers = subscribers_given ? opts.subscribers : 50;
      break;
    case scenario_kind::p2p:
      opts.publishers = publishers_given ? opts.publishers : 50;
      opts.subscribers = opts.publishers;
      break;
    case scenario_kind::latency:
      opts.publishers = publishers_given ? opts.publishers : 1;
      opts.subscribers = subscribers_given ? opts.subscribers : 1;
      opts.rate = rate_given ? opts.rate : 2000;
      break;
    case scenario_kind::conn:
      break;
  }
}

}  // namespace

int main(int argc, char** argv) {
  options opts;
  CLI::App app{"telemq-bench: MQTT broker load generator with exact delivery accounting"};
  app.get_formatter()->column_width(34);

  const std::map<std::string, scenario_kind> scenarios{{"fanin", scenario_kind::fanin},
                                                       {"fanout", scenario_kind::fanout},
                                                       {"p2p", scenario_kind::p2p},
                                                       {"latency", scenario_kind::latency},
                                                       {"conn", scenario_kind::conn}};
  std::string scenario;
  app.add_option("scenario", scenario,
                 "fanin (P publishers -> S on a wildcard), fanout (P -> S on one topic), p2p (P "
                 "pairs), latency (fixed rate), conn (K idle connections)")
      ->required()
      ->check(CLI::IsMember(scenarios));

  app.add_option("--host", opts.host, "Broker host")->capture_default_str();
  app.add_option("--port", opts.port, "Broker port")->capture_default_str();
  app.add_flag("--ws", opts.websocket, "MQTT over WebSocket (subprotocol mqtt)");
  app.add_option("--ws-path", opts.ws_path, "WebSocket path")->capture_default_str();
  int mqtt = 5;
  app.add_option("--mqtt", mqtt, "Protocol version: 3 (3.1.1) or 5")
      ->check(CLI::IsMember({3, 5}))
      ->capture_default_str();
  int qos = 0;
  app.add_option("-q,--qos", qos, "QoS of publishes and subscriptions")
      ->check(CLI::Range(0, 2))
      ->capture_default_str();
  app.add_option("--payload", opts.payload_size,
                 "Payload bytes (at least 16: publisher id, sequence, timestamp)")
      ->check(CLI::Range(telemq::bench::payload_header_size, std::size_t{256} * 1024 * 1024))
      ->capture_default_str();
  auto* duration = app.add_option("-d,--duration", opts.duration_s, "Seconds of publishing")
                       ->check(CLI::PositiveNumber)
                       ->capture_default_str();
  app.add_option("-n,--count", opts.count, "Messages per publisher, instead of --duration")
      ->check(CLI::PositiveNumber)
      ->excludes(duration);
  auto* publishers = app.add_option("-p,--publishers", opts.publishers,
                                    "Publishers (default: fanin 8, fanout 1, p2p 50, latency 1)")
                         ->check(CLI::Range(1u, 65535u));
  auto* subscribers = app.add_option("-s,--subscribers", opts.subscribers,
                                     "Subscribers (default: fanin 1, fanout 50, latency 1)")
                          ->check(CLI::Range(1u, 65535u));
  auto* rate = app.add_option("-r,--rate", opts.rate,
                              "Messages per second over all publishers; 0 = as fast as flow "
                              "control allows (default; latency: 2000)")
                   ->check(CLI::NonNegativeNumber);
  app.add_option("--inflight", opts.inflight,
                 "Unacknowledged QoS 1/2 publishes per publisher (capped by Receive Maximum)")
      ->check(CLI::Range(1u, 65535u))
      ->capture_default_str();
  app.add_option("--window", opts.window,
                 "Messages per publisher sent but not yet delivered before it pauses")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 32))
      ->capture_default_str();
  app.add_option("--threads", opts.threads, "Generator threads")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  app.add_flag("--persistent-sub", opts.persistent_sub,
               "Subscribers keep a session: clean session false (3.1.1), session expiry 3600 s "
               "(5)");
  app.add_flag("--strict", opts.strict, "Fail on QoS 1 duplicates too");
  app.add_flag("--json", opts.json, "Print one JSON object instead of the table");
  bool quiet = false;
  app.add_flag("--quiet", quiet, "No progress line on stderr");
  app.add_option("--drain-timeout", opts.drain_timeout_s,
                 "Seconds without progress after publishing before the rest counts as lost")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--drain-max", opts.drain_max_s,
                 "Seconds after publishing after which the rest counts as lost, progress or not")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--connect-timeout", opts.connect_timeout_s, "Seconds to connect all clients")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--keep-alive", opts.keep_alive, "Keep alive seconds in CONNECT")
      ->check(CLI::Range(2, 65535))
      ->capture_default_str();
  app.add_option("--topic-prefix", opts.topic_prefix, "First topic level")->capture_default_str();
  app.add_option("-k,--connections", opts.connections, "conn: connections to open")
      ->check(CLI::Range(1u, 1000000u))
      ->capture_default_str();
  app.add_option("--connect-concurrency", opts.connect_concurrency,
                 "conn: handshakes outstanding at once")
      ->check(CLI::Range(1u, 100000u))
      ->capture_default_str();
  auto* hold = app.add_option("--hold", opts.hold_s, "conn: seconds to hold (default: --duration)")
                   ->check(CLI::NonNegativeNumber);
  app.add_option("--broker-pid", opts.broker_pid,
                 "conn: broker process whose VmRSS gives memory per connection");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? 0 : exit_usage;
  }
  opts.scenario = scenarios.at(scenario);
  opts.version = mqtt == 5 ? telemq::protocol::protocol_version::v5
                           : telemq::protocol::protocol_version::v3_1_1;
  opts.qos_level = static_cast<telemq::protocol::qos>(qos);
  opts.progress = !quiet;
  if (hold->count() == 0) {
    opts.hold_s = opts.duration_s;
  }
  apply_scenario_defaults(opts, publishers->count() > 0, subscribers->count() > 0,
                          rate->count() > 0);

  try {
    const auto report = opts.scenario == scenario_kind::conn ? telemq::bench::run_conn(opts)
                                                             : telemq::bench::run_throughput(opts);
    if (opts.json) {
      telemq::bench::print_json(report, std::cout);
    } else {
      telemq::bench::print_table(report, std::cout);
    }
    return report.problems.empty() ? 0 : exit_broker_fault;
  } catch (const std::exception& e) {
    std::cerr << "telemq-bench: " << e.what() << '\n';
    return exit_usage;
  }
}
