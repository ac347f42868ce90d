#pragma once
// Protocol errors are values: the reason code a 5.0 peer is told, and a sentence for the log
// that names the rule that was broken.
#include <string>
#include <utility>
#include <variant>

#include "broker/protocol/types.hpp"

namespace telemq::protocol {

struct error {
  reason_code code = reason_code::malformed_packet;
  std::string message;  // e.g. "topic filter has '#' not at the end [MQTT-4.7.1-1]"

  bool operator==(const error&) const = default;
};

// A value or the error that prevented it.
template <typename T>
class result {
 public:
  result(T value) : state_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  result(error failure) : state_(std::move(failure)) {}  // NOLINT(google-explicit-constructor)
  // Builds the value in place (a decoded packet is large; this spares moving it).
  template <typename... Args>
  explicit result(std::in_place_t, Args&&... args)
      : state_(std::in_place_index<0>, std::forward<Args>(args)...) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const error& failure() const { return std::get<1>(state_); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, error> state_;
};

}  // namespace telemq::protocol
