#pragma once
// The rate of a counter as Mosquitto's $SYS/broker/load/... topics give it: exponentially damped
// moving averages over 1, 5 and 15 minutes, like the load averages of `uptime`. Each update folds
// in the rate since the previous one with weight 1 - exp(-elapsed / window), so the result does
// not depend on how often it is updated.
#include <array>
#include <chrono>
#include <cstdint>

namespace telemq::admin {

enum class load_window : unsigned char { one_minute, five_minutes, fifteen_minutes };

class load_average {
 public:
  // start: the counter's value when measuring begins.
  explicit load_average(std::uint64_t start = 0) : last_(start) {}

  // total: the counter now; elapsed: the time since the previous update (or the start).
  void update(std::uint64_t total, std::chrono::duration<double> elapsed);

  // Events per second, averaged over the window.
  double per_second(load_window window) const {
    return averages_[static_cast<std::size_t>(window)];
  }
  // Events per minute, the unit of Mosquitto's load topics.
  double per_minute(load_window window) const { return per_second(window) * 60.0; }

 private:
  std::uint64_t last_;
  std::array<double, 3> averages_{};
};

}  // namespace telemq::admin
