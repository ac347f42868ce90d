// The subscription index and the retained store at telemetry scale: 100k filters (about 10%
// with wildcards) over topics shaped like "site/17/building/3/sensor/442/temperature".
// Results and the command that produced them: docs/performance.md, "## Topic tree".
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "broker/core/retained_store.hpp"
#include "broker/core/topic_tree.hpp"

namespace {

using telemq::core::message;
using telemq::core::message_ptr;
using telemq::core::retained_store;
using telemq::core::session;
using telemq::core::shared_group;
using telemq::core::subscription_entry;
using telemq::core::topic_tree;

constexpr std::size_t filter_count = 100'000;
constexpr std::size_t session_count = 10'000;

constexpr std::array<const char*, 5> metrics = {"temperature", "humidity", "co2", "pressure",
                                                "battery"};

// 100 sites x 10 buildings x 1000 sensors x 5 metrics: five million possible topics.
class topic_space {
 public:
  explicit topic_space(std::uint32_t seed) : rng_(seed) {}

  std::string site() { return std::to_string(pick(100)); }
  std::string building() { return std::to_string(pick(10)); }
  std::string sensor() { return std::to_string(pick(1000)); }
  std::string metric() { return metrics[pick(metrics.size())]; }

  std::string topic() {
    return "site/" + site() + "/building/" + building() + "/sensor/" + sensor() + "/" + metric();
  }

  // The subscriptions dashboards, alerting rules and archivers make, from the narrow and common
  // to the broad and rare (a fleet-wide metric matches a fifth of all topics).
  std::string wildcard_filter() {
    const std::size_t kind = pick(1000);
    if (kind < 300) {
      return "site/" + site() + "/building/" + building() + "/sensor/+/" + metric();
    }
    if (kind < 550) {
      return "site/" + site() + "/building/" + building() + "/sensor/" + sensor() + "/+";
    }
    if (kind < 750) {
      return "site/" + site() + "/building/" + building() + "/#";
    }
    if (kind < 850) {
      return "site/" + site() + "/building/+/sensor/" + sensor() + "/#";
    }
    if (kind < 900) {
      return "site/+/building/" + building() + "/sensor/" + sensor() + "/+";
    }
    if (kind < 950) {
      return "+/" + site() + "/building/" + building() + "/sensor/" + sensor() + "/" + metric();
    }
    if (kind < 998) {
      return "site/" + site() + "/#";
    }
    return "site/+/building/+/sensor/+/" + metric();
  }

  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

 private:
  std::mt19937 rng_;
};

session* fake_session(std::size_t i) {
  static std::array<std::byte, session_count> storage;
  return reinterpret_cast<session*>(&storage[i % session_count]);
}

struct workload {
  std::vector<std::string> filters;  // 90% exact topics, 10% wildcards
  std::vector<std::string> topics;   // half of them subscribed exactly, half random
};

const workload& telemetry() {
  static const workload w = [] {
    workload w;
    topic_space space(42);
    for (std::size_t i = 0; i < filter_count; ++i) {
      w.filters.push_back(space.pick(10) == 0 ? space.wildcard_filter() : space.topic());
    }
    for (std::size_t i = 0; i < 4096; ++i) {
      const std::string& f = w.filters[space.pick(w.filters.size())];
      const bool exact = f.find_first_of("+#") == std::string::npos;
      w.topics.push_back(exact && i % 2 == 0 ? f : space.topic());
    }
    return w;
  }();
  return w;
}

subscription_entry entry_for(std::size_t i) {
  subscription_entry e;
  e.owner = fake_session(i);
  e.identifier = static_cast<std::uint32_t>(i);
  return e;
}

void subscribe_all(topic_tree& tree, const std::vector<std::string>& filters) {
  for (std::size_t i = 0; i < filters.size(); ++i) {
    tree.subscribe(filters[i], entry_for(i));
  }
}

benchmark::Counter per_item(std::size_t items) {
  return benchmark::Counter(
      static_cast<double>(items),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_Subscribe100k(benchmark::State& state) {
  const workload& w = telemetry();
  for (auto _ : state) {
    auto tree = std::make_unique<topic_tree>();
    subscribe_all(*tree, w.filters);
    benchmark::DoNotOptimize(tree->size());
    state.PauseTiming();  // destruction is not part of subscribing
    tree.reset();
    state.ResumeTiming();
  }
  state.counters["per_filter"] = per_item(w.filters.size());

  // Heap held by the tree, measured once outside the timed loop.
  const std::size_t before = mallinfo2().uordblks;
  {
    topic_tree tree;
    subscribe_all(tree, w.filters);
    state.counters["heap_bytes_per_filter"] =
        static_cast<double>(mallinfo2().uordblks - before) / static_cast<double>(w.filters.size());
  }
}
BENCHMARK(BM_Subscribe100k)->Unit(benchmark::kMillisecond);

void BM_Unsubscribe100k(benchmark::State& state) {
  const workload& w = telemetry();
  std::vector<std::size_t> order(w.filters.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::shuffle(order.begin(), order.end(), std::mt19937(7));
  for (auto _ : state) {
    state.PauseTiming();
    topic_tree tree;
    subscribe_all(tree, w.filters);
    state.ResumeTiming();
    for (const std::size_t i : order) {
      tree.unsubscribe(w.filters[i], fake_session(i));
    }
    benchmark::DoNotOptimize(tree.size());
  }
  state.counters["per_filter"] = per_item(w.filters.size());
}
BENCHMARK(BM_Unsubscribe100k)->Unit(benchmark::kMillisecond);

void BM_Match100k(benchmark::State& state) {
  const workload& w = telemetry();
  topic_tree tree;
  subscribe_all(tree, w.filters);
  std::size_t next = 0;
  std::size_t reported = 0;
  for (auto _ : state) {
    tree.match(
        w.topics[next], [&reported](const subscription_entry&) { ++reported; },
        [&reported](shared_group&) { ++reported; });
    next = (next + 1) % w.topics.size();
  }
  state.counters["subscribers_per_match"] =
      benchmark::Counter(static_cast<double>(reported), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_Match100k);

// Every device listens on one broadcast filter: subscribing must not scan the others.
void BM_SubscribeSameFilter100k(benchmark::State& state) {
  for (auto _ : state) {
    topic_tree tree;
    for (std::size_t i = 0; i < filter_count; ++i) {
      subscription_entry e;
      e.owner = reinterpret_cast<session*>(i * 64 + 64);
      tree.subscribe("fleet/broadcast/commands", e);
    }
    benchmark::DoNotOptimize(tree.size());
  }
  state.counters["per_filter"] = per_item(filter_count);
}
BENCHMARK(BM_SubscribeSameFilter100k)->Unit(benchmark::kMillisecond);

const retained_store& retained_telemetry() {
  static retained_store store;
  topic_space space(43);
  while (store.size() < filter_count) {
    auto msg = std::make_shared<message>();
    msg->topic = space.topic();
    msg->payload = "21.5";
    msg->retain = true;
    store.set(std::move(msg));
  }
  return store;
}

void BM_RetainedMatch100k(benchmark::State& state, const char* filter) {
  const retained_store& store = retained_telemetry();
  std::size_t visited = 0;
  for (auto _ : state) {
    store.match(filter, [&visited](const message_ptr&) { ++visited; });
  }
  state.counters["messages_per_match"] =
      benchmark::Counter(static_cast<double>(visited), benchmark::Counter::kAvgIterations);
}
BENCHMARK_CAPTURE(BM_RetainedMatch100k, site_subtree, "site/17/#");
BENCHMARK_CAPTURE(BM_RetainedMatch100k, metric_of_building,
                  "site/17/building/3/sensor/+/temperature");
BENCHMARK_CAPTURE(BM_RetainedMatch100k, sensor_in_every_site, "site/+/building/3/sensor/442/+");
BENCHMARK_CAPTURE(BM_RetainedMatch100k, everything, "#");

}  // namespace

BENCHMARK_MAIN();
