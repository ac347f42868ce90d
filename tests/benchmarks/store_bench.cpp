// The SQLite store under the broker's QoS 1 pattern: per message save_message + save_delivery,
// after_durable (the publisher's PUBACK), and the subscriber's PUBACK (delete_delivery) some
// messages later. One iteration publishes 10,000 messages and waits for all their callbacks, so
// the time includes the last commit. Up to 10,000 messages wait for durability at once, as with
// many publishers each within its receive maximum.
//
//   store_bench --benchmark_filter=... ; TELEMQ_BENCH_DIR picks the file system (default: temp).
// Arguments: durability (0 process, 1 power), ack lag in messages (0: subscriber offline, the
// queue only grows: nothing coalesces).
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>

#include "persistence/sqlite_store.hpp"

namespace {

using namespace telemq;
using persistence::durability;

constexpr std::uint64_t messages_per_iteration = 10'000;
constexpr std::uint64_t max_waiting = 10'000;

// The broker thread's queue of posted callbacks.
class broker_queue {
 public:
  void post(std::function<void()> task) {
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    ready_.notify_one();
  }
  // Runs what is queued; waits for something first when `wait` is set.
  void run(bool wait) {
    std::deque<std::function<void()>> now;
    {
      std::unique_lock lock(mutex_);
      if (wait) {
        ready_.wait(lock, [this] { return !tasks_.empty(); });
      }
      now.swap(tasks_);
    }
    for (auto& task : now) {
      task();
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
};

// CPU seconds of the whole process (broker thread and writer thread), which on a machine shared
// with other work says more about capacity than the wall clock.
double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::filesystem::path bench_dir() {
  const char* env = std::getenv("TELEMQ_BENCH_DIR");
  std::string pattern =
      ((env ? std::filesystem::path(env) : std::filesystem::temp_directory_path()) /
       "telemq-store-bench-XXXXXX")
          .string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed in " + pattern);
  }
  return pattern;
}

void bm_qos1_publish(benchmark::State& state) {
  const auto mode = state.range(0) == 0 ? durability::process : durability::power;
  const auto ack_lag = static_cast<std::uint64_t>(state.range(1));
  const auto dir = bench_dir();
  broker_queue broker;
  persistence::sqlite_options o;
  o.path = dir / "telemq.db";
  o.mode = mode;
  o.post_to_broker = [&broker](std::function<void()> task) { broker.post(std::move(task)); };
  auto store = std::make_unique<persistence::sqlite_store>(o);
  store->load();

  const std::string payload(64, 'p');
  std::uint64_t next_id = 1;
  std::uint64_t acknowledged = 0;
  const double cpu_start = process_cpu_seconds();
  for (auto _ : state) {
    const std::uint64_t end = next_id + messages_per_iteration;
    for (; next_id < end; ++next_id) {
      auto msg = std::make_shared<core::message>();
      msg->id = next_id;
      msg->topic = "sensors/" + std::to_string(next_id % 1000) + "/temperature";
      msg->payload = payload;
      msg->qos_level = protocol::qos::at_least_once;
      store->save_message(msg);
      core::stored_delivery d;
      d.client_id = "subscriber";
      d.message_id = next_id;
      d.sequence = next_id;
      d.state = core::delivery_state::publish_sent;
      d.packet_id = static_cast<std::uint16_t>(next_id % 65535 + 1);
      store->save_delivery(d);
      if (ack_lag > 0 && next_id > ack_lag) {
        store->delete_delivery("subscriber", next_id - ack_lag);
      }
      store->after_durable([&acknowledged] { ++acknowledged; });
      broker.run(false);
      while (next_id - acknowledged >= max_waiting) {
        broker.run(true);
      }
    }
    while (acknowledged + 1 < next_id) {
      broker.run(true);
    }
  }
  const double cpu = process_cpu_seconds() - cpu_start;
  store->close();
  const auto stats = store->stats();
  state.SetItemsProcessed(static_cast<std::int64_t>(next_id - 1));
  state.counters["batches"] = static_cast<double>(stats.batches);
  state.counters["rows_per_msg"] =
      static_cast<double>(stats.rows_written) / static_cast<double>(next_id - 1);
  state.counters["mean_commit_us"] = stats.batches
                                         ? static_cast<double>(stats.total_commit_latency.count()) /
                                               static_cast<double>(stats.batches)
                                         : 0.0;
  state.counters["cpu_us_per_msg"] = cpu * 1e6 / static_cast<double>(next_id - 1);
  state.counters["db_MiB"] = static_cast<double>(store->size_bytes()) / (1 << 20);
  store.reset();
  std::filesystem::remove_all(dir);
}

BENCHMARK(bm_qos1_publish)
    ->ArgNames({"power", "ack_lag"})
    ->Args({0, 50})
    ->Args({0, 5000})
    ->Args({0, 0})
    ->Args({1, 50})
    ->Args({1, 5000})
    ->Args({1, 0})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
