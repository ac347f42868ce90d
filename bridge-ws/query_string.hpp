#pragma once
// Request targets: "/events?topic=a%2Fb&topic=c" into the path and the query, which
// text::parse_query decodes.
#include <string_view>

#include "broker/text/percent_encoding.hpp"

namespace telemq::bridge_ws {

struct request_target {
  std::string_view path;
  std::string_view query;  // after '?', without it; empty when there is none
};

request_target split_target(std::string_view target);

}  // namespace telemq::bridge_ws
