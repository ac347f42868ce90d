// GET /api/v1/status, GET /metrics, GET /api/v1/topics/top and POST /api/v1/reload.
#include <fmt/format.h>

#include "broker/admin/admin_api.hpp"
#include "broker/admin/api_support.hpp"
#include "broker/admin/json_views.hpp"
#include "broker/admin/metrics.hpp"
#include "broker/admin/prometheus_writer.hpp"

namespace telemq::admin {
namespace {

constexpr std::size_t default_top = 10;

nlohmann::json rates(const broker_loads& loads, load_window window) {
  return {
      {"messages_received", loads.messages_received.per_second(window)},
      {"messages_sent", loads.messages_sent.per_second(window)},
      {"bytes_received", loads.bytes_received.per_second(window)},
      {"bytes_sent", loads.bytes_sent.per_second(window)},
      {"connections", loads.connections.per_second(window)},
  };
}

nlohmann::json listeners(const std::vector<net::listener_counters>& counters) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& l : counters) {
    nlohmann::json refused = nlohmann::json::object();
    for (std::size_t i = 0; i < net::refusal_reason_count; ++i) {
      const auto reason = static_cast<net::refusal_reason>(i);
      refused[std::string(net::to_string(reason))] = l.refused_for(reason);
    }
    out.push_back({{"url", l.listener},
                   {"open_connections", l.open},
                   {"accepted", l.accepted},
                   {"refused", std::move(refused)}});
  }
  return out;
}

}  // namespace

http_response admin_api::status(const call&) {
  const broker_figures f = context_.measures.figures(context_.steady_clock());
  const core::broker_stats& s = f.stats;
  nlohmann::json body = {
      {"version", context_.version},
      {"uptime", f.uptime.count()},
      {"durability", context_.durability},
      {"connections",
       {{"current", s.connections_current},
        {"maximum", s.connections_maximum},
        {"total", s.connections_total}}},
      {"sessions", s.sessions_total},
      {"subscriptions", s.subscriptions},
      {"retained_messages", s.retained_messages},
      {"retained_bytes", f.retained_bytes},
      {"queued_messages", s.queued_messages},
      {"queued_bytes", f.queued_bytes},
      {"messages",
       {{"received", s.messages_received},
        {"sent", s.messages_sent},
        {"dropped", s.publishes_dropped_queue_full + s.publishes_dropped_qos0_slow},
        {"expired", s.messages_expired}}},
      {"bytes", {{"received", s.bytes_received}, {"sent", s.bytes_sent}}},
      {"refused",
       {{"connections", s.connects_refused_auth + s.connects_refused_protocol},
        {"publishes", s.publishes_denied_acl + s.publishes_rate_limited},
        {"subscriptions", s.subscribes_denied_acl}}},
      {"rates_1min", rates(context_.measures.loads(), load_window::one_minute)},
      {"listeners", listeners(f.listeners)},
  };
  if (f.store) {
    const auto& st = f.store->stats;
    body["store"] = {
        {"size_bytes", f.store->size_bytes},
        {"batches", st.batches},
        {"operations", st.operations},
        {"pending_operations", st.pending_operations},
        {"write_errors", st.write_errors},
        {"max_commit_ms", static_cast<double>(st.max_commit_latency.count()) / 1000.0},
        {"mean_commit_ms", st.batches == 0 ? 0.0
                                           : static_cast<double>(st.total_commit_latency.count()) /
                                                 1000.0 / static_cast<double>(st.batches)},
    };
  } else {
    body["store"] = nullptr;
  }
  return json_response(200, body);
}

http_response admin_api::metrics(const call&) {
  http_response response;
  response.content_type = prometheus_content_type;
  response.body = render_metrics(context_.measures.figures(context_.steady_clock()),
                                 context_.measures.connections_by_listener());
  return response;
}

http_response admin_api::busiest_topics(const call& c) {
  paging page;
  page.limit = default_top;
  if (auto error = read_paging(c.query, page)) {
    return *error;
  }
  nlohmann::json topics = nlohmann::json::array();
  for (const auto& e : context_.measures.busiest(page.limit)) {
    topics.push_back({{"topic", e.topic}, {"rate", e.rate}, {"error", e.error}});
  }
  return json_response(200, {{"enabled", context_.measures.counts_topics()},
                             {"followed", context_.measures.topics_followed()},
                             {"topics", std::move(topics)}});
}

http_response admin_api::reload() {
  const std::vector<std::string> problems = context_.reload();
  if (problems.empty()) {
    return json_response(200, {{"reloaded", true}});
  }
  return json_response(
      500, {{"error", fmt::format("reload: {}", problems.front())}, {"problems", problems}});
}

}  // namespace telemq::admin
