#include "broker/server/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

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

// Lines carry client-chosen text (client ids, usernames, topics); a control character in it
// must not start a forged log line.
std::string escape_controls(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (const char ch : line) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) {
      out += fmt::format("\\x{:02X}", c);
    } else {
      out += ch;
    }
  }
  return out;
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
    if (!logger->should_log(spdlog_level)) {
      return;
    }
    const bool clean = std::none_of(line.begin(), line.end(), [](char ch) {
      return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7F;
    });
    const std::string escaped = clean ? std::string() : escape_controls(line);
    const std::string_view text = clean ? line : std::string_view(escaped);
    logger->log(spdlog_level, spdlog::string_view_t(text.data(), text.size()));
  };
}

}  // namespace telemq::server
