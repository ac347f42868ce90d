#include "broker/admin/api_support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "broker/admin/json_views.hpp"

namespace telemq::admin {
namespace {

std::optional<http_response> read_count(const std::vector<text::query_parameter>& query,
                                        std::string_view name, std::size_t max, std::size_t& out) {
  const auto text = text::query_value(query, name);
  if (!text) {
    return std::nullopt;
  }
  std::size_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (text->empty() || ec != std::errc{} || end != text->data() + text->size() || value > max) {
    return error_response(400, fmt::format("{} must be a number from 0 to {}", name, max));
  }
  out = value;
  return std::nullopt;
}

}  // namespace

std::optional<http_response> read_paging(const std::vector<text::query_parameter>& query,
                                         paging& out) {
  if (auto error = read_count(query, "limit", paging::max_limit, out.limit)) {
    return error;
  }
  return read_count(query, "offset", static_cast<std::size_t>(-1), out.offset);
}

std::pair<std::size_t, std::size_t> page_range(std::size_t count, const paging& page) {
  const std::size_t first = std::min(page.offset, count);
  return {first, first + std::min(page.limit, count - first)};
}

std::optional<http_response> read_flag(const std::vector<text::query_parameter>& query,
                                       std::string_view name, std::optional<bool>& out) {
  const auto text = text::query_value(query, name);
  if (!text) {
    return std::nullopt;
  }
  if (*text == "1" || *text == "true") {
    out = true;
  } else if (*text == "0" || *text == "false") {
    out = false;
  } else {
    return error_response(400, fmt::format("{} must be 1, 0, true or false", name));
  }
  return std::nullopt;
}

std::variant<nlohmann::json, http_response> json_body(const std::string& body) {
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return error_response(400, "the body must be a JSON object");
  }
  return parsed;
}

std::optional<std::string> string_field(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

}  // namespace telemq::admin
