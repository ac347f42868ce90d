#pragma once
// Human-readable output: aligned columns with a header line, and "key  value" blocks.
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace telemq::ctl {

class table {
 public:
  explicit table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Columns padded to their widest cell; the last column is not padded.
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

using key_values = std::vector<std::pair<std::string, std::string>>;
void print_key_values(std::ostream& out, const key_values& lines);

// Text for a terminal: control characters (an id or a payload may hold any byte) as '?'.
std::string printable(std::string_view text);

// "3h 02m 05s", "45s"
std::string format_duration(std::int64_t seconds);
// "512 B", "1.5 KiB", "3.2 MiB"
std::string format_bytes(double bytes);
// "12", "1.3k", "4.5M"
std::string format_rate(double per_second);

}  // namespace telemq::ctl
