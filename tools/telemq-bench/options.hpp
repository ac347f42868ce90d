#pragma once
// Everything the command line can say, already validated and with the scenario's defaults
// applied (main.cpp parses; the scenarios only read).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "broker/protocol/types.hpp"

namespace telemq::bench {

enum class scenario_kind { fanin, fanout, p2p, latency, conn };

constexpr std::string_view to_string(scenario_kind kind) {
  switch (kind) {
    case scenario_kind::fanin:
      return "fanin";
    case scenario_kind::fanout:
      return "fanout";
    case scenario_kind::p2p:
      return "p2p";
    case scenario_kind::latency:
      return "latency";
    case scenario_kind::conn:
      return "conn";
  }
  return "?";
}

struct options {
  scenario_kind scenario = scenario_kind::fanin;
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  bool websocket = false;
  std::string ws_path = "/mqtt";
  protocol::protocol_version version = protocol::protocol_version::v5;
  protocol::qos qos_level = protocol::qos::at_most_once;
  std::size_t payload_size = 64;
  double duration_s = 10;
  std::optional<std::uint64_t> count;  // messages per publisher, instead of a duration
  std::uint32_t publishers = 1;
  std::uint32_t subscribers = 1;
  double rate = 0;  // messages per second over all publishers; 0 = unpaced
  std::uint32_t inflight = 64;
  std::uint64_t window = 128;
  std::uint32_t threads = 1;
  bool persistent_sub = false;
  bool strict = false;
  bool json = false;
  bool progress = true;
  double drain_timeout_s = 3;
  double drain_max_s = 30;
  double connect_timeout_s = 30;
  std::uint16_t keep_alive = 60;
  std::string topic_prefix = "telemq-bench";
  // conn
  std::uint32_t connections = 1000;
  std::uint32_t connect_concurrency = 100;
  double hold_s = 10;
  std::optional<int> broker_pid;
};

}  // namespace telemq::bench
