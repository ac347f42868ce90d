#include "broker/server/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace telemq::server {

namespace {

spdlog::level::level_enum to_spdlog(core::log_level level) {
  switch (level) {
    case core::log_level::trace:
      return spdlog::level::trace;
    case core::log_level::debug:
      return spdlog::level::debug;
    case core::log_level::info:
      return spdlog::level::info;
    case core::log_level::warn:
      return spdlog::level::warn;
    case core::log_level::error:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

std::shared_ptr<spdlog::logger> make_logger(core::log_level level) {
  // Not registered with spdlog's global registry: the daemon owns its logger, and tests may
  // start several.
  auto logger = std::make_shared<spdlog::logger>(
      "telemq", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ level=%^%l%$ %v", spdlog::pattern_time_type::utc);
  set_level(*logger, level);
  return logger;
}

void set_level(spdlog::logger& logger, core::log_level level) {
  logger.set_level(to_spdlog(level));
  // Warnings and errors reach the terminal (or journal) at once; the rest may batch.
  logger.flush_on(spdlog::level::warn);
}

core::log_sink make_log_sink(std::shared_ptr<spdlog::logger> logger) {
  return [logger = std::move(logger)](core::log_level level, std::string_view line) {
    const auto spdlog_level = to_spdlog(level);
    if (logger->should_log(spdlog_level)) {
      logger->log(spdlog_level, spdlog::string_view_t(line.data(), line.size()));
    }
  };
}

}  // namespace telemq::server
