// What the users and ACL endpoints share: the password and ACL files are read and written on the
// background runner (one job at a time, so two changes never interleave; writes are fsynced),
// then the access control is reloaded on the broker thread, where it is used.
#include <fmt/format.h>

#include "broker/admin/admin_api.hpp"
#include "broker/admin/json_views.hpp"
#include "broker/auth/acl_document.hpp"
#include "broker/auth/file_access_control.hpp"

namespace telemq::admin {

void admin_api::change_auth_file(const std::filesystem::path& path, unsigned success_status,
                                 file_change change, const responder& respond) {
  context_.background.run([this, alive = std::weak_ptr<const bool>(alive_), path,
                           change = std::move(change), respond,
                           success_status]() -> std::function<void()> {
    change_result result;
    try {
      result = change(path);
    } catch (const std::invalid_argument& e) {
      result = error_response(400, e.what());
    } catch (const auth::acl_syntax_error& e) {
      result = error_response(
          409, fmt::format("the file has an error, correct it by hand first: {}", e.what()));
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
        // The file changed under the running broker: new CONNECTs and the next publish,
        // subscribe and delivery of connected clients use it at once.
        const auto problems = context_.access->reload();
        if (!problems.empty()) {
          body["warnings"] = problems;
        }
      }
      respond(json_response(success_status, body));
    };
  });
}

void admin_api::answer_in_background(std::function<http_response()> job, const responder& respond) {
  context_.background.run([alive = std::weak_ptr<const bool>(alive_), job = std::move(job),
                           respond]() -> std::function<void()> {
    http_response response;
    try {
      response = job();
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

}  // namespace telemq::admin
