#pragma once
// fanin, fanout, p2p and latency: publishers and subscribers in a topology, a warm-up (every
// client connected and every SUBACK in) before the clock starts, a measured phase, a drain, and
// exact accounting of what arrived.
#include "tools/telemq-bench/options.hpp"
#include "tools/telemq-bench/report.hpp"

namespace telemq::bench {

bench_report run_throughput(const options& opts);

}  // namespace telemq::bench
