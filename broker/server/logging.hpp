#pragma once
// spdlog on stderr, one line per event: "2024-05-01T12:00:00.123Z level=info event=start ...".
// The core's log_sink and the transports' lines go through the same logger.
#include <memory>

#include "broker/core/log.hpp"

namespace spdlog {
class logger;
}

namespace telemq::server {

std::shared_ptr<spdlog::logger> make_logger(core::log_level level);
void set_level(spdlog::logger& logger, core::log_level level);
core::log_sink make_log_sink(std::shared_ptr<spdlog::logger> logger);

}  // namespace telemq::server
