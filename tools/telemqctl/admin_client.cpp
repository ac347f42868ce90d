#include "admin_client.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "broker/admin/admin_token.hpp"
#include "broker/text/percent_encoding.hpp"
#include "ctl_error.hpp"

namespace telemq::ctl {
namespace {

constexpr std::string_view default_url = "http://127.0.0.1:8081";

std::string from_environment(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

admin_client::admin_client(const admin_settings& settings)
    : timeout_(static_cast<std::int64_t>(settings.timeout_seconds * 1000)) {
  std::string url = settings.url;
  if (url.empty()) {
    url = from_environment("TELEMQ_URL");
  }
  url_ = parse_http_url(url.empty() ? default_url : url);

  token_ = settings.token;
  if (token_.empty()) {
    token_ = from_environment("TELEMQ_TOKEN");
  }
  if (token_.empty()) {
    const auto path = std::filesystem::path(settings.data_dir) / admin::token_file_name;
    try {
      token_ = admin::read_token_file(path);
    } catch (const std::exception& e) {
      throw ctl_error(exit_status::unreachable,
                      fmt::format("no admin token: {} (give --token, set TELEMQ_TOKEN, or "
                                  "--data-dir to the broker's data folder)",
                                  e.what()));
    }
  }
}

nlohmann::json admin_client::call(std::string_view method, std::string_view target,
                                  const std::optional<nlohmann::json>& body) const {
  const std::string text = body ? body->dump() : std::string();
  const auto reply =
      http_request(url_, method, target, {{"Authorization", "Bearer " + token_}}, text, timeout_);
  if (reply.status == 401) {
    throw ctl_error(exit_status::unreachable,
                    "the broker refused the admin token (401): check --token, TELEMQ_TOKEN or "
                    "DATA_DIR/admin.token");
  }
  auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
  if (reply.status >= 400) {
    const bool has_error =
        parsed.is_object() && parsed.contains("error") && parsed["error"].is_string();
    throw ctl_error(exit_status::failed,
                    has_error ? parsed["error"].get<std::string>()
                              : fmt::format("the broker answered HTTP {}", reply.status));
  }
  if (parsed.is_discarded()) {
    throw ctl_error(exit_status::failed, "the broker's answer is not JSON");
  }
  return parsed;
}

std::string path_with(std::string_view prefix, std::string_view parameter) {
  return std::string(prefix) + text::percent_encode(parameter);
}

}  // namespace telemq::ctl
