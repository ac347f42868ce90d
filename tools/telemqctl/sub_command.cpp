// telemqctl sub: subscribes and prints messages as they arrive, like mosquitto_sub: the payload
// per line, "TOPIC PAYLOAD" with -v, or one JSON object per line with --json.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <iostream>
#include <nlohmann/json.hpp>

#include "broker/protocol/topic.hpp"
#include "broker/text/base64.hpp"
#include "commands.hpp"
#include "ctl_error.hpp"
#include "mqtt_command_line.hpp"

namespace telemq::ctl {
namespace {

struct sub_options {
  mqtt_command_line connection;
  std::vector<std::string> topics;
  int qos = 0;
  bool verbose = false;
  std::size_t count = 0;
  bool no_retained = false;
  bool no_newline = false;
  std::uint32_t timeout = 0;
};

std::string json_line(const protocol::publish_packet& p) {
  nlohmann::json j = {
      {"topic", p.topic}, {"qos", static_cast<int>(p.qos_level)}, {"retain", p.retain}};
  if (protocol::is_valid_mqtt_utf8(p.payload)) {
    j["payload"] = p.payload;
  } else {
    j["payload"] = text::base64_encode(
        std::span(reinterpret_cast<const std::uint8_t*>(p.payload.data()), p.payload.size()));
    j["payload_encoding"] = "base64";
  }
  if (!p.props.user_properties.empty()) {
    auto& list = j["user_properties"] = nlohmann::json::array();
    for (const auto& [key, value] : p.props.user_properties) {
      list.push_back({key, value});
    }
  }
  if (p.props.content_type) {
    j["content_type"] = *p.props.content_type;
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void run_sub(const sub_options& o, bool json) {
  const auto level = parse_qos(o.qos);
  std::vector<protocol::subscription_request> filters;
  for (const auto& topic : o.topics) {
    if (auto invalid = protocol::validate_topic_filter(topic)) {
      throw ctl_error(exit_status::usage, fmt::format("-t {}: {}", topic, invalid->message));
    }
    filters.push_back({topic, {.max_qos = level}});
  }
  mqtt_client client(connection_options(o.connection));
  client.connect();
  const auto granted = client.subscribe(filters);
  for (std::size_t i = 0; i < granted.size() && i < filters.size(); ++i) {
    if (protocol::is_error(granted[i])) {
      throw ctl_error(exit_status::failed,
                      fmt::format("the broker refused the subscription to '{}': {}",
                                  filters[i].filter, protocol::to_string(granted[i])));
    }
  }

  // Ctrl-C and kill end with a DISCONNECT, so the broker does not publish a will or log an
  // error.
  boost::asio::signal_set signals(client.io(), SIGINT, SIGTERM);
  signals.async_wait([&client](const boost::system::error_code& ec, int) {
    if (!ec) {
      client.stop();
    }
  });

  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (o.timeout > 0) {
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.timeout);
  }
  std::size_t received = 0;
  while (o.count == 0 || received < o.count) {
    const auto msg = client.receive(deadline);
    if (!msg) {
      break;
    }
    if (o.no_retained && msg->retain) {
      continue;
    }
    ++received;
    if (json) {
      std::cout << json_line(*msg) << '\n';
    } else {
      if (o.verbose) {
        std::cout << msg->topic << ' ';
      }
      std::cout << msg->payload;
      if (!o.no_newline) {
        std::cout << '\n';
      }
    }
    std::cout << std::flush;
  }
  signals.cancel();
  client.disconnect();
  if (o.count > 0 && received < o.count) {
    throw ctl_error(exit_status::failed,
                    fmt::format("{} of {} messages received before the end", received, o.count));
  }
}

}  // namespace

void add_sub_command(CLI::App& app, global_options& options) {
  auto o = std::make_shared<sub_options>();
  o->connection.id_prefix = "telemqctl-sub";
  auto* command = app.add_subcommand("sub", "Subscribe and print messages (like mosquitto_sub)");
  add_connection_options(*command, o->connection);
  command->add_option("-t,--topic", o->topics, "Topic filter (repeatable)")->required();
  command->add_option("-q,--qos", o->qos, "Maximum QoS 0, 1 or 2")->capture_default_str();
  command->add_flag("-v,--verbose", o->verbose, "Print the topic before each payload");
  command->add_option("-C,--count", o->count, "Exit after this many messages");
  command->add_flag("-R,--no-retained", o->no_retained, "Skip retained messages (stale values)");
  command->add_flag("-N,--no-newline", o->no_newline, "No newline after each payload");
  command->add_option("-W,--timeout", o->timeout,
                      "Exit after this many seconds (status 1 if -C was not reached)");
  command->callback([o, &options] { run_sub(*o, options.json); });
}

}  // namespace telemq::ctl
