#include "bridge-ws/query_string.hpp"

namespace telemq::bridge_ws {

request_target split_target(std::string_view target) {
  const auto mark = target.find('?');
  if (mark == std::string_view::npos) {
    return {target, {}};
  }
  return {target.substr(0, mark), target.substr(mark + 1)};
}

}  // namespace telemq::bridge_ws
