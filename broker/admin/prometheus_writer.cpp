#include "broker/admin/prometheus_writer.hpp"

#include <fmt/format.h>

#include <cmath>

namespace telemq::admin {
namespace {

// HELP text escapes only backslash and newline; label values also the double quote.
void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

}  // namespace

void prometheus_writer::family(std::string_view name, std::string_view type,
                               std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  append_escaped(out_, help, false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void prometheus_writer::labels(std::initializer_list<label> list) {
  if (list.size() == 0) {
    return;
  }
  out_ += '{';
  bool first = true;
  for (const auto& [key, value] : list) {
    out_ += first ? "" : ",";
    first = false;
    out_ += key;
    out_ += "=\"";
    append_escaped(out_, value, true);
    out_ += '"';
  }
  out_ += '}';
}

void prometheus_writer::sample(std::string_view name, double value,
                               std::initializer_list<label> list) {
  out_ += name;
  labels(list);
  if (std::isnan(value)) {
    out_ += " NaN\n";
  } else if (std::isinf(value)) {
    out_ += value > 0 ? " +Inf\n" : " -Inf\n";
  } else {
    out_ += fmt::format(" {}\n", value);
  }
}

void prometheus_writer::sample(std::string_view name, std::uint64_t value,
                               std::initializer_list<label> list) {
  out_ += name;
  labels(list);
  out_ += fmt::format(" {}\n", value);
}

void prometheus_writer::counter(std::string_view name, std::string_view help, std::uint64_t value) {
  family(name, "counter", help);
  sample(name, value);
}

void prometheus_writer::gauge(std::string_view name, std::string_view help, double value) {
  family(name, "gauge", help);
  sample(name, value);
}

}  // namespace telemq::admin
