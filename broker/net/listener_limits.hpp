#pragma once
// What decides, right after accept and before any TLS, WebSocket or MQTT work, whether a listener
// takes one more connection: the broker-wide and the listener's own bound on open connections,
// and the listener's connection rate. And the figures kept per listener for /metrics.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace telemq::net {

// Why a connection was closed right after accept; each names the configuration key at fault.
enum class refusal_reason : unsigned char {
  max_connections,           // the broker-wide max_connections
  listener_max_connections,  // the listener's [[listener]] max_connections
  max_connection_rate,       // the listener's [[listener]] max_connection_rate
};
inline constexpr std::size_t refusal_reason_count = 3;

// "max_connections", "listener_max_connections", "max_connection_rate": the log's and
// /metrics' name of the reason.
std::string_view to_string(refusal_reason reason);

// A token bucket of `per_second` tokens a second holding at most burst() of them, so that an
// idle listener takes a few connections at once and then one every 1/per_second. Kept as the
// time at which the bucket would be full again (the generic cell rate algorithm): exact, no
// floating point, one time point of state.
class connection_rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  // 0: no limit.
  explicit connection_rate_limiter(std::uint32_t per_second = 0);

  // Takes a token; false (taking nothing) when the bucket is empty.
  bool try_acquire(clock::time_point now);

  std::uint32_t per_second() const { return per_second_; }
  // A tenth of a second's worth, at least one.
  std::uint32_t burst() const { return burst_; }

 private:
  std::uint32_t per_second_;
  std::uint32_t burst_;
  std::chrono::nanoseconds interval_{0};  // between two tokens
  clock::time_point full_at_{};           // when the bucket holds burst() tokens again
};

// One listener's connections, as /metrics reports them. Owned by the connection_set, so that
// they outlive the listener and the connections it accepted.
struct listener_counters {
  explicit listener_counters(std::string url) : listener(std::move(url)) {}

  std::string listener;        // the URL as configured
  std::size_t open = 0;        // connections open now, TLS handshakes and HTTP sessions included
  std::uint64_t accepted = 0;  // connections let through since the start
  std::array<std::uint64_t, refusal_reason_count> refused{};  // by refusal_reason

  std::uint64_t refused_for(refusal_reason reason) const {
    return refused[static_cast<std::size_t>(reason)];
  }
};

}  // namespace telemq::net
