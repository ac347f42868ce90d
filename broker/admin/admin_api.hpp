#pragma once
// The admin API apart from sockets: a request and its bearer token become a response.
// docs/admin-api.md documents every endpoint; the handlers are grouped by resource in
// api_*.cpp. Runs on the broker thread; file work goes to the background runner.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "broker/admin/api_support.hpp"
#include "broker/admin/background_runner.hpp"
#include "broker/admin/http_message.hpp"
#include "broker/admin/router.hpp"
#include "broker/admin/telemetry.hpp"
#include "broker/core/broker.hpp"
#include "broker/text/percent_encoding.hpp"

namespace telemq::auth {
class file_access_control;
}

namespace telemq::admin {

// Re-reads the configuration as SIGHUP does; returns what could not be applied (empty when
// everything was).
using reload_callback = std::function<std::vector<std::string>()>;

struct api_context {
  core::broker& broker;
  telemetry& measures;
  background_runner& background;
  std::string token;
  bool metrics_without_token = false;
  // The running access control, reloaded after a change of users or ACL rules; null when the
  // server checks no files.
  auth::file_access_control* access = nullptr;
  std::optional<std::filesystem::path> password_file;
  std::optional<std::filesystem::path> acl_file;
  std::string version;
  std::string durability;
  reload_callback reload;
  std::function<core::timestamp()> clock = [] { return core::clock_type::now(); };
  std::function<telemetry::clock::time_point()> steady_clock = [] {
    return telemetry::clock::now();
  };
};

class admin_api {
 public:
  explicit admin_api(api_context context);

  void handle(const http_request& request, const responder& respond);

 private:
  struct call {
    std::vector<std::string> parameters;
    std::vector<text::query_parameter> query;
    const std::string& body;
  };
  using handler = std::function<void(admin_api&, const call&, const responder&)>;

  // api_status.cpp
  http_response status(const call& c);
  http_response metrics(const call& c);
  http_response busiest_topics(const call& c);
  // api_sessions.cpp
  // key: the name of the list in the answer, "clients" or "sessions".
  http_response list_sessions(const call& c, std::string_view key);
  http_response show_session(const call& c);
  http_response disconnect_client(const call& c);
  http_response delete_session(const call& c);
  http_response list_subscriptions(const call& c);
  // api_retained.cpp
  http_response list_retained(const call& c);
  http_response show_retained(const call& c);
  http_response delete_retained(const call& c);
  // api_users.cpp
  void list_users(const responder& respond);
  void add_user(const call& c, const responder& respond);
  void change_password(const call& c, const responder& respond);
  void remove_user(const call& c, const responder& respond);
  // api_acl.cpp
  void show_acl(const responder& respond);
  void add_acl_rule(const call& c, const responder& respond);
  void remove_acl_rule(const call& c, const responder& respond);
  // api_auth_files.cpp
  // change reads the file at the path it is given, edits it and saves it; it answers with the
  // response body on success, or with an error response. It may throw: std::invalid_argument
  // becomes 400, auth::acl_syntax_error 409, anything else 500.
  using file_change = std::function<change_result(const std::filesystem::path&)>;
  // Runs change on the password file (409 without one) or on the ACL file (409 without one),
  // off the broker thread, then reloads the access control on the broker thread so that the
  // change applies at once.
  void change_password_file(unsigned success_status, file_change change, const responder& respond);
  void change_acl_file(unsigned success_status, file_change change, const responder& respond);
  void change_auth_file(const std::filesystem::path& path, unsigned success_status,
                        file_change change, const responder& respond);
  // Runs job off the broker thread and answers with what it returns (500 when it throws).
  void answer_in_background(std::function<http_response()> job, const responder& respond);
  http_response reload();

  api_context context_;
  router<handler> routes_;
  // Background continuations check it: they may come back after the API is gone.
  std::shared_ptr<const bool> alive_ = std::make_shared<const bool>(true);
};

}  // namespace telemq::admin
