#include "tools/telemq-bench/throughput_scenario.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "tools/telemq-bench/broker_target.hpp"
#include "tools/telemq-bench/io_pool.hpp"
#include "tools/telemq-bench/publisher.hpp"
#include "tools/telemq-bench/subscriber.hpp"

namespace telemq::bench {

namespace {

using namespace std::chrono_literals;

constexpr auto tick_interval = 10ms;
// Long enough for the last DISCONNECTs to leave before the sockets are torn down.
constexpr auto closing_grace = 200ms;

double seconds_between(bench_clock::time_point from, bench_clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

class throughput_run {
 public:
  explicit throughput_run(const options& opts)
      : opts_(opts),
        target_(resolve_target(opts, 64 * 1024)),
        pool_(opts.threads),
        timer_(pool_.coordinator()),
        tag_(unique_tag()) {
    build();
  }

  bench_report run() {
    phase_started_ = last_ping_ = bench_clock::now();
    for (auto& sub : subscribers_) {
      asio::post(sub->client().executor(), [this, s = sub.get()] { connect_subscriber(*s); });
    }
    arm();
    pool_.run();
    return summarise();
  }

 private:
  enum class phase { subscribing, connecting_publishers, running, draining, closing };

  void build() {
    const bool p2p = opts_.scenario == scenario_kind::p2p;
    const std::string base =
        opts_.topic_prefix + "/" + tag_ + "/" + std::string(to_string(opts_.scenario));
    const std::uint32_t subscriber_count = p2p ? opts_.publishers : opts_.subscribers;
    const bool per_publisher_topic = p2p || opts_.scenario == scenario_kind::fanin;
    std::size_t client_index = 0;

    for (std::uint32_t i = 0; i < opts_.publishers; ++i) {
      publish_plan plan;
      plan.id = i;
      plan.topic = per_publisher_topic ? base + "/" + std::to_string(i) : base;
      plan.qos_level = opts_.qos_level;
      plan.payload_size = opts_.payload_size;
      plan.inflight = opts_.inflight;
      plan.window = opts_.window;
      plan.fan = p2p ? 1 : subscriber_count;
      plan.rate = opts_.rate / opts_.publishers;
      plan.count = opts_.count;
      publishers_.push_back(std::make_unique<publisher>(
          pool_.context(client_index++), target_, client_settings("p", i, false), plan, stop_));
      publisher_ptrs_.push_back(publishers_.back().get());
    }

    for (std::uint32_t i = 0; i < subscriber_count; ++i) {
      subscription_plan plan;
      plan.qos_level = opts_.qos_level;
      if (p2p) {
        plan.filter = base + "/" + std::to_string(i);
        plan.sources = {i};
      } else {
        plan.slot = i;
        plan.filter = per_publisher_topic ? base + "/+" : base;
        for (std::uint32_t p = 0; p < opts_.publishers; ++p) {
          plan.sources.push_back(p);
        }
      }
      subscribers_.push_back(std::make_unique<subscriber>(
          pool_.context(client_index++), target_, client_settings("s", i, opts_.persistent_sub),
          plan, publisher_ptrs_));
    }
  }

  client_config client_settings(const std::string& role, std::uint32_t index,
                                bool persistent) const {
    client_config config;
    config.version = opts_.version;
    config.client_id = "bench-" + tag_ + "-" + role + std::to_string(index);
    config.keep_alive = opts_.keep_alive;
    config.clean_start = !persistent;
    // For 5.0 it is the expiry that makes a session outlive its connection; an hour outlasts
    // any run.
    config.session_expiry = persistent ? 3600 : 0;
    return config;
  }

  void connect_subscriber(subscriber& sub) {
    sub.client().connect([this, &sub](link::failure failed) {
      if (failed) {
        return;  // the coordinator sees client().failed()
      }
      sub.client().subscribe(sub.plan().filter, sub.plan().qos_level, [this](link::failure f) {
        if (!f) {
          ready_.fetch_add(1);
        }
      });
    });
  }

  void arm() {
    timer_.expires_after(tick_interval);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) {
        tick();
      }
    });
  }

  template <typename F>
  void for_each_client(F&& f) {
    for (auto& p : publishers_) {
      f(p->client());
    }
    for (auto& s : subscribers_) {
      f(s->client());
    }
  }

  bool any_failed() {
    bool failed = false;
    for_each_client([&](mqtt_client& c) { failed = failed || c.failed(); });
    return failed;
  }

  void enter(phase next, bench_clock::time_point now) {
    phase_ = next;
    phase_started_ = now;
  }

  void tick() {
    const auto now = bench_clock::now();
    if (phase_ != phase::closing && any_failed()) {
      begin_closing(now);
    }
    if (phase_ != phase::closing && seconds_between(last_ping_, now) >= opts_.keep_alive / 2.0) {
      last_ping_ = now;
      for_each_client([](mqtt_client& c) { asio::post(c.executor(), [&c] { c.ping(); }); });
    }
    switch (phase_) {
      case phase::subscribing:
        if (ready_.load() == subscribers_.size()) {
          ready_ = 0;
          enter(phase::connecting_publishers, now);
          for (auto& pub : publishers_) {
            asio::post(pub->client().executor(), [this, p = pub.get()] {
              p->client().connect([this](link::failure failed) {
                if (!failed) {
                  ready_.fetch_add(1);
                }
              });
            });
          }
        } else {
          check_connect_timeout(now, "subscribers");
        }
        break;
      case phase::connecting_publishers:
        if (ready_.load() == publishers_.size()) {
          enter(phase::running, now);
          t0_ = last_progress_ = last_change_ = now;
          for (auto& pub : publishers_) {
            asio::post(pub->client().executor(), [p = pub.get(), t0 = t0_] { p->start(t0); });
          }
        } else {
          check_connect_timeout(now, "publishers");
        }
        break;
      case phase::running:
        progress(now);
        if (opts_.count ? sent() >= *opts_.count * publishers_.size()
                        : seconds_between(t0_, now) >= opts_.duration_s) {
          stop_ = true;
          enter(phase::draining, now);
        }
        break;
      case phase::draining:
        progress(now);
        if (drained() || seconds_between(last_change_, now) >= opts_.drain_timeout_s ||
            seconds_between(phase_started_, now) >= opts_.drain_max_s) {
          begin_closing(now);
        }
        break;
      case phase::closing:
        if (now - phase_started_ >= closing_grace) {
          pool_.stop();
          return;
        }
        break;
    }
    arm();
  }

  void check_connect_timeout(bench_clock::time_point now, const char* who) {
    if (seconds_between(phase_started_, now) >= opts_.connect_timeout_s) {
      problems_.push_back(std::string("timed out connecting the ") + who);
      begin_closing(now);
    }
  }

  void begin_closing(bench_clock::time_point now) {
    if (phase_ == phase::closing) {
      return;
    }
    stop_ = true;
    enter(phase::closing, now);
    for_each_client([](mqtt_client& c) { asio::post(c.executor(), [&c] { c.disconnect(); }); });
  }

  std::uint64_t sent() const {
    std::uint64_t total = 0;
    for (const auto& p : publishers_) {
      total += p->stats().sent.load(std::memory_order_relaxed);
    }
    return total;
  }

  std::uint64_t deliveries() const {
    std::uint64_t total = 0;
    for (const auto& s : subscribers_) {
      total += s->stats().deliveries.load(std::memory_order_relaxed);
    }
    return total;
  }

  // Everything sent is acknowledged and every subscriber has every message it should have.
  bool drained() const {
    std::uint64_t expected = 0;
    for (const auto& p : publishers_) {
      const auto& s = p->stats();
      const std::uint64_t sent_by_p = s.sent.load();
      if (opts_.qos_level != protocol::qos::at_most_once && s.completed.load() < sent_by_p) {
        return false;
      }
      expected += sent_by_p * (opts_.scenario == scenario_kind::p2p ? 1 : subscribers_.size());
    }
    std::uint64_t distinct = 0;
    for (const auto& s : subscribers_) {
      distinct += s->stats().distinct.load();
    }
    return distinct >= expected;
  }

  void progress(bench_clock::time_point now) {
    std::uint64_t completed = 0;
    for (const auto& p : publishers_) {
      completed += p->stats().completed.load(std::memory_order_relaxed);
    }
    const std::uint64_t in = sent();
    const std::uint64_t out = deliveries();
    if (in != last_in_ || out != last_out_ || completed != last_completed_) {
      last_change_ = now;
    }
    const double dt = seconds_between(last_progress_, now);
    if (dt >= 1.0) {
      if (opts_.progress) {
        print_progress(seconds_between(t0_, now), static_cast<double>(in - progress_in_) / dt,
                       static_cast<double>(out - progress_out_) / dt);
      }
      last_progress_ = now;
      progress_in_ = in;
      progress_out_ = out;
    }
    last_in_ = in;
    last_out_ = out;
    last_completed_ = completed;
  }

  bench_report summarise() {
    bench_report report;
    report.scenario = to_string(opts_.scenario);
    const bool p2p = opts_.scenario == scenario_kind::p2p;
    report.clients =
        p2p ? std::to_string(opts_.publishers) + "x(1->1)"
            : std::to_string(opts_.publishers) + "->" + std::to_string(subscribers_.size());
    report.qos = static_cast<int>(opts_.qos_level);
    report.mqtt = opts_.version == protocol::protocol_version::v5 ? 5 : 3;
    report.transport = opts_.websocket ? "ws" : "tcp";
    report.payload = opts_.payload_size;
    for_each_client([&](mqtt_client& c) {
      if (c.failed()) {
        report.problems.push_back(c.failure());
      }
    });
    report.problems.insert(report.problems.end(), problems_.begin(), problems_.end());

    throughput_numbers t;
    std::int64_t last_delivery_ns = 0;
    std::uint64_t payload_bytes = 0;
    histogram latency;
    for (const auto& p : publishers_) {
      const auto& s = p->stats();
      t.sent += s.sent.load();
      t.expected += s.sent.load() * (p2p ? 1 : subscribers_.size());
      if (opts_.qos_level != protocol::qos::at_most_once) {
        t.unacked += s.sent.load() - s.completed.load();
      }
      t.rejected += s.rejected.load();
      t.stray += s.stray.load();
    }
    for (const auto& s : subscribers_) {
      const subscriber_result r = s->finish();
      t.received += r.counts.received;
      t.lost += r.counts.lost;
      t.duplicates += r.counts.duplicates;
      t.reordered += r.counts.reordered;
      t.unexpected += r.unexpected;
      payload_bytes += r.payload_bytes;
      latency.merge(r.latency);
      last_delivery_ns = std::max(last_delivery_ns, s->stats().last_delivery_ns.load());
    }
    const std::int64_t t0_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(t0_.time_since_epoch()).count();
    t.seconds = last_delivery_ns > t0_ns ? static_cast<double>(last_delivery_ns - t0_ns) / 1e9 : 0;
    if (t.seconds > 0) {
      t.delivered_per_s = static_cast<double>(t.received) / t.seconds;
      t.megabytes_per_s = static_cast<double>(payload_bytes) / t.seconds / 1e6;
    }
    t.latency = {latency.count(), static_cast<double>(latency.percentile(0.50)) / 1e3,
                 static_cast<double>(latency.percentile(0.99)) / 1e3,
                 static_cast<double>(latency.percentile(0.999)) / 1e3,
                 static_cast<double>(latency.max()) / 1e3};
    judge(t, report);
    report.throughput = t;
    return report;
  }

  // What MQTT promises at each QoS decides which anomaly is a broker bug and which a fact.
  void judge(const throughput_numbers& t, bench_report& report) const {
    const auto add = [](std::vector<std::string>& to, std::uint64_t n, const std::string& what) {
      if (n > 0) {
        to.push_back(std::to_string(n) + " " + what);
      }
    };
    auto& problems = report.problems;
    auto& notes = report.notes;
    const bool acked = opts_.qos_level != protocol::qos::at_most_once;
    add(acked ? problems : notes, t.lost, "messages lost");
    add(acked ? problems : notes, t.reordered, "messages reordered within a publisher's stream");
    if (opts_.qos_level == protocol::qos::at_least_once && !opts_.strict) {
      add(notes, t.duplicates, "duplicate deliveries (legal at QoS 1; --strict fails on them)");
    } else {
      add(problems, t.duplicates, "duplicate deliveries");
    }
    add(problems, t.unacked, "publishes never acknowledged");
    add(problems, t.rejected, "publishes acknowledged with an error reason code");
    add(problems, t.stray, "acks for unknown packet ids or PUBLISH to a publisher");
    add(problems, t.unexpected, "deliveries from topics the subscriber should not get");
    if (t.sent > 0 && t.received == 0) {
      problems.push_back("nothing was delivered");
    }
  }

  const options& opts_;
  transport_config target_;
  io_pool pool_;
  asio::steady_timer timer_;
  std::string tag_;
  std::atomic<bool> stop_{false};
  std::vector<std::unique_ptr<publisher>> publishers_;
  std::vector<publisher*> publisher_ptrs_;
  std::vector<std::unique_ptr<subscriber>> subscribers_;
  std::atomic<std::size_t> ready_{0};
  std::vector<std::string> problems_;

  phase phase_ = phase::subscribing;
  bench_clock::time_point phase_started_;
  bench_clock::time_point t0_;
  bench_clock::time_point last_ping_;
  bench_clock::time_point last_progress_;
  bench_clock::time_point last_change_;
  std::uint64_t progress_in_ = 0;
  std::uint64_t progress_out_ = 0;
  std::uint64_t last_in_ = 0;
  std::uint64_t last_out_ = 0;
  std::uint64_t last_completed_ = 0;
};

}  // namespace

bench_report run_throughput(const options& opts) {
  return throughput_run(opts).run();
}

}  // namespace telemq::bench
