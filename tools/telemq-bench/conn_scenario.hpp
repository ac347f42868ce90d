#pragma once
// conn: K connections opened as fast as the broker accepts them (a bounded number of handshakes
// outstanding, so the listen backlog never overflows and the rate is the broker's), then held
// idle; with --broker-pid, the broker's resident memory per held connection.
#include "tools/telemq-bench/options.hpp"
#include "tools/telemq-bench/report.hpp"

namespace telemq::bench {

bench_report run_conn(const options& opts);

}  // namespace telemq::bench
