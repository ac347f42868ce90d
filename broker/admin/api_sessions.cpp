// Clients, sessions and subscriptions: /api/v1/clients, /api/v1/sessions, /api/v1/subscriptions.
#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "broker/admin/admin_api.hpp"
#include "broker/admin/api_support.hpp"
#include "broker/admin/json_views.hpp"
#include "broker/protocol/topic.hpp"

namespace telemq::admin {
http_response admin_api::list_sessions(const call& c, std::string_view key) {
  paging page;
  std::optional<bool> online;
  if (auto error = read_paging(c.query, page)) {
    return *error;
  }
  if (auto error = read_flag(c.query, "online", online)) {
    return *error;
  }
  const std::string prefix = text::query_value(c.query, "prefix").value_or("");

  auto all = context_.broker.sessions();
  std::erase_if(all, [&](const core::session_info& s) {
    return (online && s.online != *online) || !s.client_id.starts_with(prefix);
  });
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.client_id < b.client_id; });
  const auto [first, last] = page_range(all.size(), page);
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t i = first; i < last; ++i) {
    list.push_back(session_json(all[i]));
  }
  return json_response(200, {{"total", all.size()},
                             {"offset", page.offset},
                             {"limit", page.limit},
                             {key, std::move(list)}});
}

http_response admin_api::show_session(const call& c) {
  const std::string& id = c.parameters.at(0);
  const auto session = context_.broker.find_session(id);
  if (!session) {
    return error_response(404, fmt::format("no session for client '{}'", id));
  }
  nlohmann::json body = session_json(*session);
  auto& subscriptions = body["subscription_list"] = nlohmann::json::array();
  for (const auto& s : context_.broker.subscriptions(id)) {
    subscriptions.push_back(subscription_json(s));
  }
  return json_response(200, body);
}

http_response admin_api::disconnect_client(const call& c) {
  const std::string& id = c.parameters.at(0);
  if (!context_.broker.disconnect_client(id, context_.clock())) {
    return error_response(404, fmt::format("client '{}' is not connected", id));
  }
  return json_response(200, {{"client_id", id}, {"disconnected", true}});
}

http_response admin_api::delete_session(const call& c) {
  const std::string& id = c.parameters.at(0);
  if (!context_.broker.delete_session(id, context_.clock())) {
    return error_response(404, fmt::format("no session for client '{}'", id));
  }
  return json_response(200, {{"client_id", id}, {"deleted", true}});
}

http_response admin_api::list_subscriptions(const call& c) {
  paging page;
  if (auto error = read_paging(c.query, page)) {
    return *error;
  }
  const auto client = text::query_value(c.query, "client");
  const auto filter = text::query_value(c.query, "filter");
  const auto topic = text::query_value(c.query, "topic");
  if (topic) {
    if (auto invalid = protocol::validate_topic_name(*topic)) {
      return error_response(400, fmt::format("topic: {}", invalid->message));
    }
  }
  if (client && client->empty()) {
    return error_response(400, "client must name a client id");
  }

  auto all = context_.broker.subscriptions(client.value_or(""));
  std::erase_if(all, [&](const core::subscription_info& s) {
    if (filter && s.filter != *filter) {
      return true;
    }
    if (topic) {
      const auto shared = protocol::parse_shared_filter(s.filter);
      return !protocol::topic_matches(shared ? shared->filter : s.filter, *topic);
    }
    return false;
  });
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return std::tie(a.client_id, a.filter) < std::tie(b.client_id, b.filter);
  });
  const auto [first, last] = page_range(all.size(), page);
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t i = first; i < last; ++i) {
    list.push_back(subscription_json(all[i]));
  }
  return json_response(200, {{"total", all.size()},
                             {"offset", page.offset},
                             {"limit", page.limit},
                             {"subscriptions", std::move(list)}});
}

}  // namespace telemq::admin
