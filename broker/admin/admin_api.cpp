#include "broker/admin/admin_api.hpp"

#include "broker/admin/admin_token.hpp"
#include "broker/admin/json_views.hpp"

namespace telemq::admin {
namespace {

// Adapts a handler that answers at once.
template <typename F>
auto at_once(F f) {
  return [f](admin_api& api, const auto& c, const responder& respond) { respond(f(api, c)); };
}

}  // namespace

admin_api::admin_api(api_context context) : context_(std::move(context)) {
  using a = admin_api;
  auto& r = routes_;
  r.add("GET", "/metrics", at_once([](a& api, const call& c) { return api.metrics(c); }));
  r.add("GET", "/api/v1/status", at_once([](a& api, const call& c) { return api.status(c); }));
  r.add("GET", "/api/v1/topics/top",
        at_once([](a& api, const call& c) { return api.busiest_topics(c); }));

  r.add("GET", "/api/v1/clients",
        at_once([](a& api, const call& c) { return api.list_sessions(c, "clients"); }));
  r.add("GET", "/api/v1/clients/{*}",
        at_once([](a& api, const call& c) { return api.show_session(c); }));
  r.add("DELETE", "/api/v1/clients/{*}",
        at_once([](a& api, const call& c) { return api.disconnect_client(c); }));
  r.add("GET", "/api/v1/sessions",
        at_once([](a& api, const call& c) { return api.list_sessions(c, "sessions"); }));
  r.add("GET", "/api/v1/sessions/{*}",
        at_once([](a& api, const call& c) { return api.show_session(c); }));
  r.add("DELETE", "/api/v1/sessions/{*}",
        at_once([](a& api, const call& c) { return api.delete_session(c); }));
  r.add("GET", "/api/v1/subscriptions",
        at_once([](a& api, const call& c) { return api.list_subscriptions(c); }));

  r.add("GET", "/api/v1/retained",
        at_once([](a& api, const call& c) { return api.list_retained(c); }));
  r.add("GET", "/api/v1/retained/{*}",
        at_once([](a& api, const call& c) { return api.show_retained(c); }));
  r.add("DELETE", "/api/v1/retained/{*}",
        at_once([](a& api, const call& c) { return api.delete_retained(c); }));

  r.add("GET", "/api/v1/users",
        [](a& api, const call&, const responder& respond) { api.list_users(respond); });
  r.add("POST", "/api/v1/users",
        [](a& api, const call& c, const responder& respond) { api.add_user(c, respond); });
  r.add("PUT", "/api/v1/users/{}/password",
        [](a& api, const call& c, const responder& respond) { api.change_password(c, respond); });
  r.add("DELETE", "/api/v1/users/{}",
        [](a& api, const call& c, const responder& respond) { api.remove_user(c, respond); });
  r.add("GET", "/api/v1/acl",
        [](a& api, const call&, const responder& respond) { api.show_acl(respond); });
  r.add("POST", "/api/v1/acl/rules",
        [](a& api, const call& c, const responder& respond) { api.add_acl_rule(c, respond); });
  r.add("DELETE", "/api/v1/acl/rules",
        [](a& api, const call& c, const responder& respond) { api.remove_acl_rule(c, respond); });
  r.add("POST", "/api/v1/reload", at_once([](a& api, const call&) { return api.reload(); }));
}

void admin_api::handle(const http_request& request, const responder& respond) {
  const std::string_view target = request.target;
  const auto question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query_text =
      question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

  const bool open_metrics = context_.metrics_without_token && path == "/metrics";
  if (!open_metrics && !bearer_matches(request.authorization, context_.token)) {
    respond(error_response(401, "unauthorized"));
    return;
  }
  auto query = text::parse_query(query_text);
  if (!query) {
    respond(error_response(400, "the query has a malformed %-escape"));
    return;
  }
  auto route = routes_.find(request.method, path);
  switch (route.outcome) {
    case route_outcome::not_found:
      respond(error_response(404, "no such resource"));
      return;
    case route_outcome::bad_encoding:
      respond(error_response(400, "the path has a malformed %-escape"));
      return;
    case route_outcome::method_not_allowed: {
      auto response = error_response(405, "method not allowed; allowed: " + route.allow);
      response.allow = route.allow;
      respond(std::move(response));
      return;
    }
    case route_outcome::found:
      break;
  }
  const call c{std::move(route.parameters), std::move(*query), request.body};
  (*route.handler)(*this, c, respond);
}

}  // namespace telemq::admin
