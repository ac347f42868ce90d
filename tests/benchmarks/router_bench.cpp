// Router micro-benchmarks: one PUBLISH through the sans-I/O broker, from the publisher's bytes to
// every subscriber's encoded copy (decode, access check, topic match, per-session delivery,
// encode), with the subscribers' acknowledgements fed back at QoS 1. The tree also holds
// 100,000 filters of other sessions that the topic does not match, wildcards among them.
// Results and the command that produced them are in docs/performance.md ("Router").
#include <benchmark/benchmark.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "broker/core/broker.hpp"
#include "broker/core/memory_store.hpp"
#include "broker/protocol/codec.hpp"

namespace {

using namespace telemq;
using namespace telemq::protocol;

constexpr std::string_view topic = "site/7/building/3/floor/2/temperature";

// A transport that keeps what the broker writes until the benchmark clears it.
class sink_link final : public core::link {
 public:
  byte_buffer& output() override { return out; }
  void flush() override {}
  std::size_t unsent_bytes() const override { return out.size(); }
  void close() override { closed = true; }

  byte_buffer out;
  bool closed = false;
};

class peer {
 public:
  peer(core::broker& engine, core::timestamp now, const std::string& id)
      : link_(std::make_unique<sink_link>()) {
    connection_ = engine.open(*link_, core::connection_info{"127.0.0.1:1", "bench", true, ""}, now);
    connect_packet connect;
    connect.version = protocol_version::v5;
    connect.client_id = id;
    send(connect, now);
    expect_written();
  }

  void send(const packet& p, core::timestamp now) {
    scratch_.clear();
    encode(p, protocol_version::v5, scratch_);
    connection_->on_bytes(scratch_, now);
  }

  void subscribe(const std::string& filter, qos level, core::timestamp now) {
    subscribe_options options;
    options.max_qos = level;
    send(subscribe_packet{.packet_id = 1, .subscriptions = {{filter, options}}, .props = {}}, now);
    expect_written();
  }

  // The id of the one PUBLISH written since the last clear, or 0.
  std::uint16_t written_packet_id() const {
    decoder d;
    d.set_version(protocol_version::v5);
    d.feed(link_->out);
    auto next = d.next();
    if (!next || !*next || !std::holds_alternative<publish_packet>(**next)) {
      return 0;
    }
    return std::get<publish_packet>(**next).packet_id;
  }

  // The broker gives packet ids in turn from 1; an acknowledged id is free again at once.
  void acknowledge_next(core::timestamp now) {
    send(puback_packet{.packet_id = next_id_, .reason = reason_code::success, .props = {}}, now);
    next_id_ = next_id_ == 65535 ? 1 : next_id_ + 1;
  }

  std::size_t written() const { return link_->out.size(); }
  void clear() { link_->out.clear(); }
  const byte_buffer& output() const { return link_->out; }

 private:
  void expect_written() {
    if (link_->out.empty() || link_->closed) {
      throw std::runtime_error("the broker did not answer the setup packet");
    }
    link_->out.clear();
  }

  std::unique_ptr<sink_link> link_;
  core::connection_ptr connection_;
  byte_buffer scratch_;
  std::uint16_t next_id_ = 1;
};

struct fixture {
  fixture(std::int64_t subscribers, qos level, bool wildcard)
      : engine(
            {}, storage, access, [](core::log_level, std::string_view) {}, now),
        publisher(engine, now, "publisher") {
    // 100,000 filters that do not match the topic, over 1,000 sessions.
    for (int s = 0; s < 1000; ++s) {
      others.emplace_back(std::make_unique<peer>(engine, now, "other-" + std::to_string(s)));
      for (int f = 0; f < 100; ++f) {
        const std::string filter =
            f % 10 == 0 ? "site/" + std::to_string(s) + "/building/" + std::to_string(f) + "/#"
                        : "site/" + std::to_string(s) + "/building/" + std::to_string(f) +
                              "/floor/+/humidity";
        others.back()->subscribe(filter, qos::at_most_once, now);
      }
    }
    const std::string filter =
        wildcard ? "site/+/building/+/floor/+/temperature" : std::string(topic);
    for (std::int64_t i = 0; i < subscribers; ++i) {
      subs.emplace_back(std::make_unique<peer>(engine, now, "sub-" + std::to_string(i)));
      subs.back()->subscribe(filter, level, now);
    }
    message.topic = std::string(topic);
    message.payload = std::string(64, 'x');
    message.qos_level = level;
    if (level != qos::at_most_once) {
      // One delivery outside the measurement, to check the ids the acknowledgements assume.
      message.packet_id = 65535;
      publisher.send(message, now);
      for (auto& sub : subs) {
        if (sub->written_packet_id() != 1) {
          throw std::runtime_error("the first delivery to a subscriber does not have packet id 1");
        }
        sub->clear();
        sub->acknowledge_next(now);
      }
      publisher.clear();
    }
  }

  core::timestamp now = core::timestamp{} + std::chrono::hours(24 * 365 * 50);
  core::memory_store storage;
  core::allow_all access;
  core::broker engine;
  peer publisher;
  std::vector<std::unique_ptr<peer>> others;
  std::vector<std::unique_ptr<peer>> subs;
  publish_packet message;
};

void BM_RoutePublish(benchmark::State& state) {
  const auto level = static_cast<qos>(state.range(1));
  fixture f(state.range(0), level, state.range(2) != 0);
  std::uint16_t id = 0;
  for (auto _ : state) {
    if (level != qos::at_most_once) {
      id = id == 65535 ? 1 : id + 1;
      f.message.packet_id = id;
    }
    f.publisher.send(f.message, f.now);
    for (auto& sub : f.subs) {
      if (sub->written() == 0) {
        state.SkipWithError("a subscriber received nothing");
        return;
      }
      sub->clear();
      if (level != qos::at_most_once) {
        sub->acknowledge_next(f.now);
      }
    }
    f.publisher.clear();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel(std::string(state.range(2) != 0 ? "wildcard" : "exact") + " qos" +
                 std::to_string(state.range(1)) + ", items = deliveries");
}

// {subscribers, QoS, wildcard filter}
BENCHMARK(BM_RoutePublish)
    ->Args({1, 0, 0})
    ->Args({1, 1, 0})
    ->Args({50, 0, 0})
    ->Args({50, 0, 1})
    ->Args({50, 1, 0})
    ->Args({1000, 0, 1})
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
