#pragma once
// The web console's files (bridge-ws/web/), compiled into the binary by a build step that
// generates console_files.cpp: the console works without any file beside the executable and
// without loading anything from another site.
#include <optional>
#include <span>
#include <string_view>

namespace telemq::bridge_ws {

struct embedded_file {
  std::string_view name;  // relative to web/, e.g. "index.html"
  std::string_view bytes;
};

// Defined by the generated console_files.cpp.
std::span<const embedded_file> embedded_console_files();

struct console_asset {
  std::string_view content_type;
  std::string_view body;
};

// The file a GET of path serves ("/" is "/index.html"); nothing when there is none.
std::optional<console_asset> find_console_asset(std::string_view path);

}  // namespace telemq::bridge_ws
