#include "broker/admin/load_average.hpp"

#include <cmath>

namespace telemq::admin {
namespace {

constexpr std::array<double, 3> window_seconds = {60.0, 300.0, 900.0};

}  // namespace

void load_average::update(std::uint64_t total, std::chrono::duration<double> elapsed) {
  const double seconds = elapsed.count();
  if (seconds <= 0.0) {
    return;
  }
  // A counter that went backwards (it never should) restarts the measure rather than making a
  // huge unsigned difference.
  const std::uint64_t delta = total >= last_ ? total - last_ : 0;
  last_ = total;
  const double rate = static_cast<double>(delta) / seconds;
  for (std::size_t i = 0; i < averages_.size(); ++i) {
    const double keep = std::exp(-seconds / window_seconds[i]);
    averages_[i] = rate + keep * (averages_[i] - rate);
  }
}

}  // namespace telemq::admin
