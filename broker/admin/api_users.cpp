// Users: /api/v1/users. The password file is read and written on the background runner (it is
// fsynced); the access control is reloaded on the broker thread (api_auth_files.cpp).
#include <fmt/format.h>

#include "broker/admin/admin_api.hpp"
#include "broker/admin/api_support.hpp"
#include "broker/admin/json_views.hpp"
#include "broker/auth/password_file.hpp"

namespace telemq::admin {
namespace {

http_response no_password_file() {
  return error_response(409,
                        "the broker has no password file: set password_file in the configuration");
}

}  // namespace

void admin_api::change_password_file(unsigned success_status, file_change change,
                                     const responder& respond) {
  if (!context_.password_file) {
    respond(no_password_file());
    return;
  }
  change_auth_file(*context_.password_file, success_status, std::move(change), respond);
}

void admin_api::list_users(const responder& respond) {
  if (!context_.password_file) {
    respond(no_password_file());
    return;
  }
  answer_in_background(
      [path = *context_.password_file] {
        return json_response(200, {{"users", auth::password_file::load(path).users()}});
      },
      respond);
}

void admin_api::add_user(const call& c, const responder& respond) {
  auto body = json_body(c.body);
  if (auto* error = std::get_if<http_response>(&body)) {
    respond(std::move(*error));
    return;
  }
  const auto& request = std::get<nlohmann::json>(body);
  const auto user = string_field(request, "username");
  const auto password = string_field(request, "password");
  if (!user || !password) {
    respond(error_response(400, "the body needs \"username\" and \"password\", both non-empty"));
    return;
  }
  change_password_file(
      201,
      [user = *user, password = *password](const std::filesystem::path& path) {
        return edit_document<auth::password_file>(
            path, [&](auth::password_file& file) -> change_result {
              if (file.contains(user)) {
                return error_response(409, fmt::format("user '{}' already exists", user));
              }
              file.set_password(user, password);
              return nlohmann::json{{"username", user}, {"created", true}};
            });
      },
      respond);
}

void admin_api::change_password(const call& c, const responder& respond) {
  auto body = json_body(c.body);
  if (auto* error = std::get_if<http_response>(&body)) {
    respond(std::move(*error));
    return;
  }
  const auto password = string_field(std::get<nlohmann::json>(body), "password");
  if (!password) {
    respond(error_response(400, "the body needs a non-empty \"password\""));
    return;
  }
  change_password_file(
      200,
      [user = c.parameters.at(0), password = *password](const std::filesystem::path& path) {
        return edit_document<auth::password_file>(
            path, [&](auth::password_file& file) -> change_result {
              if (!file.contains(user)) {
                return error_response(404, fmt::format("no user '{}'", user));
              }
              file.set_password(user, password);
              return nlohmann::json{{"username", user}, {"password_changed", true}};
            });
      },
      respond);
}

void admin_api::remove_user(const call& c, const responder& respond) {
  change_password_file(
      200,
      [user = c.parameters.at(0)](const std::filesystem::path& path) {
        return edit_document<auth::password_file>(
            path, [&](auth::password_file& file) -> change_result {
              if (!file.remove(user)) {
                return error_response(404, fmt::format("no user '{}'", user));
              }
              return nlohmann::json{{"username", user}, {"deleted", true}};
            });
      },
      respond);
}

}  // namespace telemq::admin
