// Codec micro-benchmarks: PUBLISH with a 64-byte payload, QoS 0 and 1, MQTT 3.1.1 and 5.0.
// Results and the command that produced them are in docs/performance.md ("Codec").
#include <benchmark/benchmark.h>

#include <string>

#include "broker/protocol/codec.hpp"

namespace {

using namespace telemq::protocol;

constexpr std::string_view topic = "sensors/building-7/floor-3/room-12/temperature";

publish_packet sample(std::int64_t qos_level) {
  publish_packet p;
  p.topic = std::string(topic);
  p.payload = std::string(64, 'x');
  p.qos_level = static_cast<qos>(qos_level);
  p.packet_id = qos_level == 0 ? 0 : 4242;
  return p;
}

protocol_version version_arg(std::int64_t v) {
  return static_cast<protocol_version>(v);
}

void label(benchmark::State& state) {
  state.SetLabel(std::string(state.range(0) == 5 ? "v5" : "v3.1.1") + " qos" +
                 std::to_string(state.range(1)));
}

// decode_packet: a fresh packet per call (two std::string allocations, the variant returned).
void BM_DecodePacket(benchmark::State& state) {
  const protocol_version version = version_arg(state.range(0));
  byte_buffer wire;
  encode_publish(sample(state.range(1)), version, wire);
  for (auto _ : state) {
    auto decoded = decode_packet(wire, version);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(wire.size()));
  label(state);
}

// decode_publish: into a reused packet, no allocation once its strings have grown.
void BM_DecodePublishReuse(benchmark::State& state) {
  const protocol_version version = version_arg(state.range(0));
  byte_buffer wire;
  encode_publish(sample(state.range(1)), version, wire);
  publish_packet reused;
  for (auto _ : state) {
    auto failure = decode_publish(wire, version, reused);
    benchmark::DoNotOptimize(failure);
    benchmark::DoNotOptimize(reused.payload.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(wire.size()));
  label(state);
}

// The streaming decoder as a connection uses it: 1,000 packets per feed, next() for each.
void BM_DecoderStream(benchmark::State& state) {
  const protocol_version version = version_arg(state.range(0));
  constexpr int batch = 1000;
  byte_buffer wire;
  for (int i = 0; i < batch; ++i) {
    encode_publish(sample(state.range(1)), version, wire);
  }
  decoder d;
  d.set_version(version);
  for (auto _ : state) {
    d.feed(wire);
    while (auto next = d.next()) {
      benchmark::DoNotOptimize(next);
    }
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(wire.size()));
  label(state);
}

void BM_EncodePublish(benchmark::State& state) {
  const protocol_version version = version_arg(state.range(0));
  const publish_packet p = sample(state.range(1));
  byte_buffer out;
  out.reserve(256);
  for (auto _ : state) {
    out.clear();
    encode_publish(p, version, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(out.size()));
  label(state);
}

void BM_EncodeAck(benchmark::State& state) {
  const protocol_version version = version_arg(state.range(0));
  byte_buffer out;
  out.reserve(16);
  for (auto _ : state) {
    out.clear();
    encode_ack(packet_type::puback, 4242, reason_code::success, version, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(state.range(0) == 5 ? "v5 puback" : "v3.1.1 puback");
}

void publish_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"version", "qos"});
  for (const int version : {4, 5}) {
    for (const int qos_level : {0, 1}) {
      b->Args({version, qos_level});
    }
  }
}

BENCHMARK(BM_DecodePacket)->Apply(publish_args);
BENCHMARK(BM_DecodePublishReuse)->Apply(publish_args);
BENCHMARK(BM_DecoderStream)->Apply(publish_args);
BENCHMARK(BM_EncodePublish)->Apply(publish_args);
BENCHMARK(BM_EncodeAck)->Arg(4)->Arg(5);

}  // namespace

BENCHMARK_MAIN();
