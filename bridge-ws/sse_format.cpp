#include "bridge-ws/sse_format.hpp"

namespace telemq::bridge_ws {

namespace {

// Field values end at a line break, so one inside a value would start a new field.
void append_field(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += '\n';
}

std::string_view single_line(std::string_view text) {
  return text.substr(0, text.find_first_of("\r\n"));
}

}  // namespace

void append_sse_event(std::string& out, std::string_view data, std::optional<std::uint64_t> id,
                      std::string_view type) {
  if (id) {
    append_field(out, "id", std::to_string(*id));
  }
  if (!type.empty()) {
    append_field(out, "event", single_line(type));
  }
  for (;;) {
    const auto end = data.find_first_of("\r\n");
    append_field(out, "data", data.substr(0, end));
    if (end == std::string_view::npos) {
      break;
    }
    const bool crlf = data[end] == '\r' && end + 1 < data.size() && data[end + 1] == '\n';
    data.remove_prefix(end + (crlf ? 2 : 1));
  }
  out += '\n';
}

void append_sse_comment(std::string& out, std::string_view text) {
  out += ": ";
  out += single_line(text);
  out += "\n\n";
}

void append_sse_retry(std::string& out, std::chrono::milliseconds delay) {
  append_field(out, "retry", std::to_string(delay.count()));
}

}  // namespace telemq::bridge_ws
