// telemqctl top: a live view of the broker, refreshed every second (like top(1)); --once prints
// one frame and exits.
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "admin_client.hpp"
#include "commands.hpp"
#include "table.hpp"

namespace telemq::ctl {
namespace {

using nlohmann::json;
using steady = std::chrono::steady_clock;

struct top_options {
  bool once = false;
  std::size_t topics = 10;
  double interval = 1.0;
};

struct sample {
  json status;
  json topics;
  steady::time_point taken;
};

sample take(const admin_client& client, std::size_t topics) {
  sample s;
  s.status = client.get("/api/v1/status");
  s.topics = client.get(fmt::format("/api/v1/topics/top?limit={}", topics));
  s.taken = steady::now();
  return s;
}

// Per second since the previous frame, or the broker's one-minute average for the first.
double rate(const sample& now, const std::optional<sample>& before, const json::json_pointer& count,
            const char* average) {
  if (before) {
    const double seconds = std::chrono::duration<double>(now.taken - before->taken).count();
    const double delta =
        now.status.at(count).get<double>() - before->status.at(count).get<double>();
    if (seconds > 0 && delta >= 0) {
      return delta / seconds;
    }
  }
  return now.status.at("rates_1min").at(average).get<double>();
}

std::string frame(const sample& now, const std::optional<sample>& before) {
  const json& s = now.status;
  std::ostringstream out;
  const auto wall =
      fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));
  out << fmt::format("telemq {}  up {}  durability {}  {:%H:%M:%S} UTC\n",
                     s.at("version").get<std::string>(),
                     format_duration(s.at("uptime").get<std::int64_t>()),
                     s.at("durability").get<std::string>(), wall);
  out << fmt::format(
      "connections {} (max {})  sessions {}  subscriptions {}  retained {}  "
      "queued {}\n",
      s.at("connections").at("current").dump(), s.at("connections").at("maximum").dump(),
      s.at("sessions").dump(), s.at("subscriptions").dump(), s.at("retained_messages").dump(),
      s.at("queued_messages").dump());
  out << fmt::format(
      "messages/s  in {}  out {}    bytes/s  in {}  out {}\n",
      format_rate(rate(now, before, json::json_pointer("/messages/received"), "messages_received")),
      format_rate(rate(now, before, json::json_pointer("/messages/sent"), "messages_sent")),
      format_bytes(rate(now, before, json::json_pointer("/bytes/received"), "bytes_received")),
      format_bytes(rate(now, before, json::json_pointer("/bytes/sent"), "bytes_sent")));
  const auto& refused = s.at("refused");
  out << fmt::format(
      "dropped {}  expired {}  refused: connections {} publishes {} "
      "subscriptions {}\n\n",
      s.at("messages").at("dropped").dump(), s.at("messages").at("expired").dump(),
      refused.at("connections").dump(), refused.at("publishes").dump(),
      refused.at("subscriptions").dump());
  if (!now.topics.at("enabled").get<bool>()) {
    out << "busiest topics: not counted (admin.top_topics = 0)\n";
    return out.str();
  }
  out << "busiest topics (messages/s over about 10 s)\n";
  table t({"MSGS/S", "TOPIC"});
  for (const auto& e : now.topics.at("topics")) {
    t.add({format_rate(e.at("rate").get<double>()), printable(e.at("topic").get<std::string>())});
  }
  t.print(out);
  return out.str();
}

void run_top(const global_options& options, const top_options& top) {
  const admin_client client(options.admin);
  if (top.once) {
    const sample now = take(client, top.topics);
    if (options.json) {
      std::cout << json{{"status", now.status}, {"topics", now.topics}}.dump(2) << '\n';
    } else {
      std::cout << frame(now, std::nullopt);
    }
    return;
  }
  const bool terminal = ::isatty(STDOUT_FILENO) != 0;
  const auto period =
      std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(top.interval));
  std::optional<sample> before;
  auto next = steady::now();
  while (true) {
    sample now = take(client, top.topics);
    // Home and clear, then the frame: one write, so the screen does not flicker.
    std::cout << (terminal ? "\x1b[H\x1b[2J" : "") << frame(now, before) << std::flush;
    if (!terminal) {
      std::cout << '\n';
    }
    before = std::move(now);
    next += period;
    std::this_thread::sleep_until(next);
  }
}

}  // namespace

void add_top_command(CLI::App& app, global_options& options) {
  auto top = std::make_shared<top_options>();
  auto* command = app.add_subcommand("top", "Live view: connections, rates, busiest topics");
  command->add_flag("--once", top->once, "Print one frame and exit");
  command->add_option("--topics", top->topics, "Busiest topics shown")->capture_default_str();
  command->add_option("--interval", top->interval, "Seconds between frames")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0));
  command->callback([&options, top] { run_top(options, *top); });
}

}  // namespace telemq::ctl
