#pragma once
// The core never reads a clock: every entry point takes the current time, so tests drive time.
// Wall-clock time, because expiry instants are stored and must mean the same after a restart.
#include <chrono>

namespace telemq::core {

using clock_type = std::chrono::system_clock;
using timestamp = clock_type::time_point;
using seconds = std::chrono::seconds;

}  // namespace telemq::core
