#include "bridge-ws/query_string.hpp"

namespace telemq::bridge_ws {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

request_target split_target(std::string_view target) {
  const auto mark = target.find('?');
  if (mark == std::string_view::npos) {
    return {target, {}};
  }
  return {target.substr(0, mark), target.substr(mark + 1)};
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) {
      return std::nullopt;
    }
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

std::optional<std::vector<query_parameter>> parse_query(std::string_view query) {
  std::vector<query_parameter> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (piece.empty()) {
      continue;
    }
    const auto eq = piece.find('=');
    auto name = percent_decode(piece.substr(0, eq));
    auto value =
        percent_decode(eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1));
    if (!name || !value) {
      return std::nullopt;
    }
    out.push_back({std::move(*name), std::move(*value)});
  }
  return out;
}

std::vector<std::string> values_of(const std::vector<query_parameter>& parameters,
                                   std::string_view name) {
  std::vector<std::string> out;
  for (const auto& p : parameters) {
    if (p.name == name) {
      out.push_back(p.value);
    }
  }
  return out;
}

std::optional<std::string> value_of(const std::vector<query_parameter>& parameters,
                                    std::string_view name) {
  std::optional<std::string> out;
  for (const auto& p : parameters) {
    if (p.name == name) {
      out = p.value;
    }
  }
  return out;
}

}  // namespace telemq::bridge_ws
