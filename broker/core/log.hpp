#pragma once
// The core reports events as log lines through this sink; the server connects it to spdlog.
// Lines are key=value and name the client they concern.
#include <functional>
#include <string_view>

namespace telemq::core {

enum class log_level : unsigned char { trace, debug, info, warn, error };

using log_sink = std::function<void(log_level level, std::string_view line)>;

}  // namespace telemq::core
