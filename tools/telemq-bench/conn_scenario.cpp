#include "tools/telemq-bench/conn_scenario.hpp"

#include <sys/resource.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <fstream>
#include <memory>

#include "tools/telemq-bench/broker_target.hpp"
#include "tools/telemq-bench/client.hpp"
#include "tools/telemq-bench/io_pool.hpp"

namespace telemq::bench {

namespace {

using namespace std::chrono_literals;
using bench_clock = std::chrono::steady_clock;

// VmRSS of /proc/PID/status in KiB, or nothing when the process is gone.
std::optional<std::uint64_t> resident_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      std::uint64_t kib = 0;
      status >> kib;
      return kib;
    }
    status.ignore(4096, '\n');
  }
  return std::nullopt;
}

// Each connection is a descriptor; the usual soft limit of 1024 would fail the 1025th connect
// with a confusing error, so take what the hard limit allows and say so when it is not enough.
std::optional<std::string> raise_descriptor_limit(std::uint32_t connections) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return std::nullopt;
  }
  const rlim_t needed = connections + 64;
  if (limit.rlim_cur < needed) {
    limit.rlim_cur = std::min(needed, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur < needed) {
    return "open file limit " + std::to_string(limit.rlim_cur) + " is below the " +
           std::to_string(needed) + " descriptors needed (ulimit -Hn)";
  }
  return std::nullopt;
}

double seconds_between(bench_clock::time_point from, bench_clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

class conn_run {
 public:
  explicit conn_run(const options& opts)
      // Idle connections read nothing but CONNACK and PINGRESP: a small buffer keeps the
      // generator's own footprint out of the way at 10,000 connections.
      : opts_(opts),
        target_(resolve_target(opts, 512)),
        pool_(opts.threads),
        timer_(pool_.coordinator()) {
    const std::string tag = unique_tag();
    for (std::uint32_t i = 0; i < opts_.connections; ++i) {
      client_config config;
      config.version = opts_.version;
      config.client_id = "bench-" + tag + "-c" + std::to_string(i);
      config.keep_alive = opts_.keep_alive;
      clients_.push_back(
          std::make_unique<mqtt_client>(pool_.context(i), target_, std::move(config), nullptr));
    }
  }

  bench_report run() {
    if (auto shortage = raise_descriptor_limit(opts_.connections)) {
      problems_.push_back(std::move(*shortage));
    }
    if (opts_.broker_pid) {
      numbers_.rss_before_kib = resident_kib(*opts_.broker_pid);
    }
    started_ = last_ping_ = last_progress_ = bench_clock::now();
    const std::size_t first = std::min<std::size_t>(opts_.connect_concurrency, clients_.size());
    next_.store(first);
    for (std::size_t i = 0; i < first; ++i) {
      launch(i);
    }
    arm();
    pool_.run();
    return summarise();
  }

 private:
  void launch(std::size_t index) {
    mqtt_client& c = *clients_[index];
    asio::post(c.executor(), [this, &c] {
      c.connect([this](link::failure failed) {
        if (failed) {
          failed_.fetch_add(1);
        } else {
          connected_.fetch_add(1);
        }
        const std::size_t next = next_.fetch_add(1);
        if (next < clients_.size()) {
          launch(next);
        }
      });
    });
  }

  void arm() {
    timer_.expires_after(10ms);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) {
        tick();
      }
    });
  }

  void tick() {
    const auto now = bench_clock::now();
    if (seconds_between(last_ping_, now) >= opts_.keep_alive / 2.0) {
      last_ping_ = now;
      for (auto& c : clients_) {
        asio::post(c->executor(), [&c = *c] {
          if (!c.failed()) {
            c.ping();
          }
        });
      }
    }
    const std::size_t done = connected_.load() + failed_.load();
    if (!holding_) {
      if (seconds_between(last_progress_, now) >= 1.0 && opts_.progress) {
        last_progress_ = now;
        std::fprintf(stderr, "[%6.1fs] %u connected\n", seconds_between(started_, now),
                     connected_.load());
      }
      if (done == clients_.size() && connected_.load() == 0) {
        finish();
        return;
      }
      if (done == clients_.size()) {
        numbers_.connect_seconds = seconds_between(started_, now);
        holding_ = true;
        hold_started_ = now;
      } else if (seconds_between(started_, now) >= opts_.connect_timeout_s) {
        problems_.push_back("timed out with " + std::to_string(done) + " of " +
                            std::to_string(clients_.size()) + " connects answered");
        finish();
        return;
      }
    } else {
      if (opts_.broker_pid && seconds_between(last_rss_, now) >= 0.5) {
        last_rss_ = now;
        if (const auto rss = resident_kib(*opts_.broker_pid)) {
          numbers_.rss_held_kib = std::max(numbers_.rss_held_kib.value_or(0), *rss);
        } else {
          problems_.push_back("broker process " + std::to_string(*opts_.broker_pid) +
                              " disappeared while holding connections");
          finish();
          return;
        }
      }
      if (seconds_between(hold_started_, now) >= opts_.hold_s) {
        numbers_.hold_seconds = seconds_between(hold_started_, now);
        finish();
        return;
      }
    }
    arm();
  }

  void finish() {
    for (auto& c : clients_) {
      asio::post(c->executor(), [&c = *c] { c.disconnect(); });
    }
    timer_.expires_after(500ms);
    timer_.async_wait([this](const boost::system::error_code&) { pool_.stop(); });
  }

  bench_report summarise() {
    bench_report report;
    report.scenario = "conn";
    report.clients = std::to_string(clients_.size());
    report.mqtt = opts_.version == protocol::protocol_version::v5 ? 5 : 3;
    report.transport = opts_.websocket ? "ws" : "tcp";
    numbers_.requested = static_cast<std::uint32_t>(clients_.size());
    numbers_.connected = connected_.load();
    if (numbers_.connect_seconds > 0) {
      numbers_.connects_per_s = numbers_.connected / numbers_.connect_seconds;
    }
    // A client that connected and then failed was dropped while idle; the first few reasons
    // say why.
    std::uint32_t failed = 0;
    for (const auto& c : clients_) {
      if (c->failed() && failed++ < 5) {
        report.problems.push_back(c->failure());
      }
    }
    numbers_.dropped_while_idle = failed > failed_.load() ? failed - failed_.load() : 0;
    if (failed_.load() > 0) {
      report.problems.push_back(std::to_string(failed_.load()) + " connects failed");
    }
    if (numbers_.dropped_while_idle > 0) {
      report.problems.push_back(std::to_string(numbers_.dropped_while_idle) +
                                " connections dropped while idle");
    }
    if (numbers_.rss_before_kib && numbers_.rss_held_kib && numbers_.connected > 0) {
      numbers_.rss_per_connection_bytes = (static_cast<double>(*numbers_.rss_held_kib) -
                                           static_cast<double>(*numbers_.rss_before_kib)) *
                                          1024.0 / numbers_.connected;
    }
    report.problems.insert(report.problems.end(), problems_.begin(), problems_.end());
    report.conn = numbers_;
    return report;
  }

  const options& opts_;
  transport_config target_;
  io_pool pool_;
  asio::steady_timer timer_;
  std::vector<std::unique_ptr<mqtt_client>> clients_;
  std::atomic<std::size_t> next_{0};
  std::atomic<std::uint32_t> connected_{0};
  std::atomic<std::uint32_t> failed_{0};
  std::vector<std::string> problems_;
  conn_numbers numbers_;
  bool holding_ = false;
  bench_clock::time_point started_;
  bench_clock::time_point hold_started_;
  bench_clock::time_point last_ping_;
  bench_clock::time_point last_progress_;
  bench_clock::time_point last_rss_;
};

}  // namespace

bench_report run_conn(const options& opts) {
  return conn_run(opts).run();
}

}  // namespace telemq::bench
