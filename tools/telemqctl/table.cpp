#include "table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

namespace telemq::ctl {
namespace {

// Display width of UTF-8 text: code points, not bytes (good enough for ids and topics).
std::size_t width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

}  // namespace

void table::print(std::ostream& out) const {
  std::vector<std::size_t> widths(headers_.size());
  for (std::size_t i = 0; i < headers_.size(); ++i) {
    widths[i] = width(headers_[i]);
  }
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], width(row[i]));
    }
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      text += cells[i];
      if (i + 1 < cells.size()) {
        text += std::string(widths[i] - width(cells[i]) + 2, ' ');
      }
    }
    out << text << '\n';
  };
  line(headers_);
  for (const auto& row : rows_) {
    line(row);
  }
}

void print_key_values(std::ostream& out, const key_values& lines) {
  std::size_t key_width = 0;
  for (const auto& [key, value] : lines) {
    key_width = std::max(key_width, width(key));
  }
  for (const auto& [key, value] : lines) {
    out << key << std::string(key_width - width(key) + 2, ' ') << value << '\n';
  }
}

std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      c = '?';
    }
  }
  return out;
}

std::string format_duration(std::int64_t seconds) {
  const auto days = seconds / 86400;
  const auto hours = seconds / 3600 % 24;
  const auto minutes = seconds / 60 % 60;
  const auto secs = seconds % 60;
  if (days > 0) {
    return fmt::format("{}d {:02}h {:02}m {:02}s", days, hours, minutes, secs);
  }
  if (hours > 0) {
    return fmt::format("{}h {:02}m {:02}s", hours, minutes, secs);
  }
  if (minutes > 0) {
    return fmt::format("{}m {:02}s", minutes, secs);
  }
  return fmt::format("{}s", secs);
}

std::string format_bytes(double bytes) {
  constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(units)) {
    bytes /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.1f} {}", bytes, units[unit]);
}

std::string format_rate(double per_second) {
  if (per_second >= 1e6) {
    return fmt::format("{:.1f}M", per_second / 1e6);
  }
  if (per_second >= 1e4) {
    return fmt::format("{:.1f}k", per_second / 1e3);
  }
  if (per_second >= 100 || per_second == 0) {
    return fmt::format("{:.0f}", per_second);
  }
  return fmt::format("{:.1f}", per_second);
}

}  // namespace telemq::ctl
