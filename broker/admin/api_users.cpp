// Users and ACL: /api/v1/users, /api/v1/acl. The files are read and written on the background
// runner (the password file is fsynced); the access control is reloaded on the broker thread.
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "broker/admin/admin_api.hpp"
#include "broker/admin/json_views.hpp"
#include "broker/auth/file_access_control.hpp"
#include "broker/auth/password_file.hpp"

namespace telemq::admin {
namespace {

using change_result = std::variant<nlohmann::json, http_response>;

http_response no_password_file() {
  return error_response(409,
                        "the broker has no password file: set password_file in the configuration");
}

// The body's JSON object, or the 400 response saying what is wrong with it.
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

// Applies a change to the file and saves it; the exceptions of password_file become responses.
template <typename F>
change_result edit_file(const std::filesystem::path& path, F edit) {
  try {
    auto file = auth::password_file::load(path);
    auto result = edit(file);
    if (std::holds_alternative<nlohmann::json>(result)) {
      file.save(path);
    }
    return result;
  } catch (const std::invalid_argument& e) {
    return error_response(400, e.what());
  }
}

}  // namespace

void admin_api::change_users(unsigned success_status, user_change change,
                             const responder& respond) {
  if (!context_.password_file) {
    respond(no_password_file());
    return;
  }
  context_.background.run([this, alive = std::weak_ptr<const bool>(alive_),
                           path = *context_.password_file, change = std::move(change), respond,
                           success_status]() -> std::function<void()> {
    change_result result;
    try {
      result = change(path);
    } catch (const std::exception& e) {
      result = error_response(500, e.what());
    }
    return [this, alive, result = std::move(result), respond, success_status]() mutable {
      if (alive.expired()) {
        return;
      }
      if (auto* error = std::get_if<http_response>(&result)) {
        respond(std::move(*error));
        return;
      }
      auto& body = std::get<nlohmann::json>(result);
      if (context_.access != nullptr) {
        // The file changed under the running broker: new CONNECTs use it at once.
        const auto problems = context_.access->reload();
        if (!problems.empty()) {
          body["warnings"] = problems;
        }
      }
      respond(json_response(success_status, body));
    };
  });
}

void admin_api::list_users(const responder& respond) {
  if (!context_.password_file) {
    respond(no_password_file());
    return;
  }
  context_.background.run([alive = std::weak_ptr<const bool>(alive_),
                           path = *context_.password_file, respond]() -> std::function<void()> {
    http_response response;
    try {
      response = json_response(200, {{"users", auth::password_file::load(path).users()}});
    } catch (const std::exception& e) {
      response = error_response(500, e.what());
    }
    return [alive, response = std::move(response), respond] {
      if (!alive.expired()) {
        respond(response);
      }
    };
  });
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
  change_users(
      201,
      [user = *user, password = *password](const std::filesystem::path& path) {
        return edit_file(path, [&](auth::password_file& file) -> change_result {
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
  change_users(
      200,
      [user = c.parameters.at(0), password = *password](const std::filesystem::path& path) {
        return edit_file(path, [&](auth::password_file& file) -> change_result {
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
  change_users(
      200,
      [user = c.parameters.at(0)](const std::filesystem::path& path) {
        return edit_file(path, [&](auth::password_file& file) -> change_result {
          if (!file.remove(user)) {
            return error_response(404, fmt::format("no user '{}'", user));
          }
          return nlohmann::json{{"username", user}, {"deleted", true}};
        });
      },
      respond);
}

void admin_api::show_acl(const responder& respond) {
  if (!context_.acl_file) {
    respond(error_response(404, "the broker has no ACL file: set acl_file in the configuration"));
    return;
  }
  context_.background.run([alive = std::weak_ptr<const bool>(alive_), path = *context_.acl_file,
                           respond]() -> std::function<void()> {
    http_response response;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (in) {
      text << in.rdbuf();
    }
    if (!in) {
      response = error_response(500, fmt::format("cannot read '{}'", path.string()));
    } else {
      response = json_response(200, {{"path", path.string()}, {"text", text.str()}});
    }
    return [alive, response = std::move(response), respond] {
      if (!alive.expired()) {
        respond(response);
      }
    };
  });
}

}  // namespace telemq::admin
