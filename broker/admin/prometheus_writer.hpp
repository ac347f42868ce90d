#pragma once
// Prometheus text exposition format 0.0.4: each metric family once, HELP and TYPE lines first,
// then its samples as `name{label="value",...} value`. Counters end in _total (the caller names
// them so); label values are escaped (\\, \", \n).
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace telemq::admin {

using label = std::pair<std::string_view, std::string_view>;

class prometheus_writer {
 public:
  // Starts a family: type is "counter", "gauge", "summary" or "histogram".
  void family(std::string_view name, std::string_view type, std::string_view help);
  void sample(std::string_view name, double value, std::initializer_list<label> labels = {});
  void sample(std::string_view name, std::uint64_t value, std::initializer_list<label> labels = {});

  // A family with a single sample and no labels.
  void counter(std::string_view name, std::string_view help, std::uint64_t value);
  void gauge(std::string_view name, std::string_view help, double value);

  const std::string& text() const { return out_; }

 private:
  void labels(std::initializer_list<label> list);

  std::string out_;
};

// The Content-Type of the format.
inline constexpr std::string_view prometheus_content_type =
    "text/plain; version=0.0.4; charset=utf-8";

}  // namespace telemq::admin
