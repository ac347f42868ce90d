// Retained messages: /api/v1/retained.
#include <fmt/format.h>

#include <algorithm>

#include "broker/admin/admin_api.hpp"
#include "broker/admin/api_support.hpp"
#include "broker/admin/json_views.hpp"
#include "broker/protocol/topic.hpp"

namespace telemq::admin {
namespace {

// The retained message of exactly this topic, or null.
core::message_ptr find_retained(const core::broker& broker, const std::string& topic) {
  core::message_ptr found;
  broker.retained_messages(topic, [&](const core::message_ptr& msg) { found = msg; });
  return found;
}

}  // namespace

http_response admin_api::list_retained(const call& c) {
  paging page;
  if (auto error = read_paging(c.query, page)) {
    return *error;
  }
  const std::string filter = text::query_value(c.query, "filter").value_or("#");
  if (auto invalid = protocol::validate_topic_filter(filter)) {
    return error_response(400, fmt::format("filter: {}", invalid->message));
  }
  if (protocol::parse_shared_filter(filter)) {
    return error_response(400, "filter: a shared subscription ($share/...) holds no messages");
  }
  std::vector<core::message_ptr> all;
  context_.broker.retained_messages(filter,
                                    [&](const core::message_ptr& msg) { all.push_back(msg); });
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a->topic < b->topic; });
  const auto [first, last] = page_range(all.size(), page);
  const auto now = context_.clock();
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t i = first; i < last; ++i) {
    list.push_back(message_json(*all[i], now));
  }
  return json_response(200, {{"total", all.size()},
                             {"offset", page.offset},
                             {"limit", page.limit},
                             {"messages", std::move(list)}});
}

http_response admin_api::show_retained(const call& c) {
  const std::string& topic = c.parameters.at(0);
  if (auto invalid = protocol::validate_topic_name(topic)) {
    return error_response(400, fmt::format("topic: {}", invalid->message));
  }
  const auto msg = find_retained(context_.broker, topic);
  if (!msg) {
    return error_response(404, fmt::format("no retained message on '{}'", topic));
  }
  return json_response(200, message_json(*msg, context_.clock()));
}

http_response admin_api::delete_retained(const call& c) {
  const std::string& topic = c.parameters.at(0);
  if (auto invalid = protocol::validate_topic_name(topic)) {
    return error_response(400, fmt::format("topic: {}", invalid->message));
  }
  if (!context_.broker.delete_retained(topic)) {
    return error_response(404, fmt::format("no retained message on '{}'", topic));
  }
  return json_response(200, {{"topic", topic}, {"deleted", true}});
}

}  // namespace telemq::admin
