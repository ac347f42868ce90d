#include "broker/text/percent_encoding.hpp"

namespace telemq::text {
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

bool unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

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

std::string percent_encode(std::string_view text) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (unreserved(c)) {
      out += c;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    out += '%';
    out += digits[byte >> 4];
    out += digits[byte & 0x0F];
  }
  return out;
}

std::optional<std::vector<query_parameter>> parse_query(std::string_view query) {
  std::vector<query_parameter> parameters;
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
    parameters.push_back({std::move(*name), std::move(*value)});
  }
  return parameters;
}

std::vector<std::string> query_values(const std::vector<query_parameter>& parameters,
                                      std::string_view name) {
  std::vector<std::string> out;
  for (const auto& p : parameters) {
    if (p.name == name) {
      out.push_back(p.value);
    }
  }
  return out;
}

std::optional<std::string> query_value(const std::vector<query_parameter>& parameters,
                                       std::string_view name) {
  std::optional<std::string> found;
  for (const auto& p : parameters) {
    if (p.name == name) {
      found = p.value;
    }
  }
  return found;
}

}  // namespace telemq::text
