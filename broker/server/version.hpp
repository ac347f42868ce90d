#pragma once
#include <string_view>

namespace telemq::server {

// The CMake project version, e.g. "0.1.0".
std::string_view version();

}  // namespace telemq::server
