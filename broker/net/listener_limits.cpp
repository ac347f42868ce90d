#include "broker/net/listener_limits.hpp"

#include <algorithm>

namespace telemq::net {

std::string_view to_string(refusal_reason reason) {
  static constexpr std::string_view names[refusal_reason_count] = {
      "max_connections", "listener_max_connections", "max_connection_rate"};
  return names[static_cast<std::size_t>(reason)];
}

connection_rate_limiter::connection_rate_limiter(std::uint32_t per_second)
    : per_second_(per_second),
      burst_(std::max<std::uint32_t>(1, static_cast<std::uint32_t>((per_second + 9ULL) / 10))) {
  if (per_second_ != 0) {
    interval_ = std::chrono::nanoseconds(std::chrono::seconds(1)) / per_second_;
  }
}

bool connection_rate_limiter::try_acquire(clock::time_point now) {
  if (per_second_ == 0) {
    return true;
  }
  // full_at_ - now is the time the tokens taken so far need to come back; the bucket is empty
  // when that exceeds what burst() - 1 tokens take.
  const auto due = std::max(full_at_, now);
  if (due - now > interval_ * (burst_ - 1)) {
    return false;
  }
  full_at_ = due + interval_;
  return true;
}

}  // namespace telemq::net
