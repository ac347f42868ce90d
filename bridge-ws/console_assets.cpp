#include "bridge-ws/console_assets.hpp"

#include <array>
#include <utility>

namespace telemq::bridge_ws {

namespace {

std::string_view content_type_of(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 6> types{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".json", "application/json"},
  }};
  for (const auto& [extension, type] : types) {
    if (name.ends_with(extension)) {
      return type;
    }
  }
  return "application/octet-stream";
}

}  // namespace

std::optional<console_asset> find_console_asset(std::string_view path) {
  if (path == "/") {
    path = "/index.html";
  }
  if (!path.starts_with('/')) {
    return std::nullopt;
  }
  path.remove_prefix(1);
  for (const auto& file : embedded_console_files()) {
    if (file.name == path) {
      return console_asset{content_type_of(file.name), file.bytes};
    }
  }
  return std::nullopt;
}

}  // namespace telemq::bridge_ws
