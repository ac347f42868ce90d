#pragma once
// Request targets: "/events?topic=a%2Fb&topic=c" into a path and decoded parameters.
//
// '+' stays a plus sign rather than meaning a space (the form-encoding rule): it is MQTT's
// single-level wildcard, and `curl '.../events?topic=sensors/+/temp'` should mean what it says.
// A space in a topic is written %20.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace telemq::bridge_ws {

struct query_parameter {
  std::string name;
  std::string value;

  bool operator==(const query_parameter&) const = default;
};

struct request_target {
  std::string_view path;
  std::string_view query;  // after '?', without it; empty when there is none
};

request_target split_target(std::string_view target);

// Nothing when a '%' is not followed by two hexadecimal digits.
std::optional<std::string> percent_decode(std::string_view text);

// "a=1&b&c=%20" -> (a,1) (b,"") (c," "); empty pieces are skipped. Nothing when an escape is
// malformed.
std::optional<std::vector<query_parameter>> parse_query(std::string_view query);

// Every value given for name, in order.
std::vector<std::string> values_of(const std::vector<query_parameter>& parameters,
                                   std::string_view name);
// The last value given for name.
std::optional<std::string> value_of(const std::vector<query_parameter>& parameters,
                                    std::string_view name);

}  // namespace telemq::bridge_ws
