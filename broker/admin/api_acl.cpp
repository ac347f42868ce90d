// ACL: /api/v1/acl and /api/v1/acl/rules. The file is edited line by line (auth::acl_document
// keeps comments and the other rules as written), saved atomically, then the access control is
// reloaded, so a connected client's next publish, subscribe and delivery follow the new rules.
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "broker/admin/admin_api.hpp"
#include "broker/admin/json_views.hpp"
#include "broker/auth/acl_document.hpp"

namespace telemq::admin {
namespace {

using nlohmann::json;

json rule_json(const auth::acl_entry& entry) {
  json rule = {{"scope", auth::to_string(entry.scope)}};
  if (entry.scope == auth::acl_scope::user) {
    rule["user"] = entry.user;
  }
  rule["access"] = auth::to_string(entry.access);
  rule["filter"] = entry.filter;
  return rule;
}

std::string describe(const auth::acl_entry& entry) {
  const std::string who = entry.scope == auth::acl_scope::user
                              ? "user '" + entry.user + "'"
                              : std::string(auth::to_string(entry.scope));
  return fmt::format("{} {} {}", who, auth::to_string(entry.access), entry.filter);
}

// The rule a request names, from a field reader (the JSON body, the query), or the 400 response
// saying what is wrong with it.
template <typename Field>
std::variant<auth::acl_entry, http_response> read_rule(Field field) {
  auth::acl_entry entry;
  const auto scope = auth::parse_acl_scope(field("scope").value_or(""));
  if (!scope) {
    return error_response(400, "\"scope\" must be user, anonymous or pattern");
  }
  entry.scope = *scope;
  entry.user = field("user").value_or("");
  if (entry.scope == auth::acl_scope::user && entry.user.empty()) {
    return error_response(400, "scope user needs a non-empty \"user\"");
  }
  const auto access = auth::parse_acl_access(field("access").value_or(""));
  if (!access) {
    return error_response(400, "\"access\" must be read, write, readwrite or deny");
  }
  entry.access = *access;
  const auto filter = field("filter");
  if (!filter) {
    return error_response(400, "the rule needs a non-empty \"filter\"");
  }
  entry.filter = *filter;
  if (auto why = auth::invalid_acl_entry(entry)) {
    return error_response(400, *why);
  }
  return entry;
}

// The change of the ACL file that applies edit(document, entry) to it and saves it.
template <typename Edit>
auto acl_change(auth::acl_entry entry, Edit edit) {
  return [entry = std::move(entry), edit](const std::filesystem::path& path) {
    return edit_document<auth::acl_document>(
        path, [&](auth::acl_document& document) { return edit(document, entry); });
  };
}

}  // namespace

void admin_api::change_acl_file(unsigned success_status, file_change change,
                                const responder& respond) {
  if (!context_.acl_file) {
    respond(error_response(409,
                           "the broker has no ACL file: set acl_file in the [auth] table of the "
                           "configuration and restart the broker"));
    return;
  }
  change_auth_file(*context_.acl_file, success_status, std::move(change), respond);
}

void admin_api::show_acl(const responder& respond) {
  if (!context_.acl_file) {
    respond(error_response(404, "the broker has no ACL file: set acl_file in the configuration"));
    return;
  }
  answer_in_background(
      [path = *context_.acl_file] {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream text;
        if (in) {
          text << in.rdbuf();
        }
        if (!in) {
          return error_response(500, fmt::format("cannot read '{}'", path.string()));
        }
        json answer = {{"path", path.string()}, {"text", text.str()}};
        try {
          json rules = json::array();
          const auto document = auth::acl_document::parse(text.str());
          for (const auto& [entry, line] : document.entries()) {
            rules.push_back(rule_json(entry));
            rules.back()["line"] = line;
          }
          answer["rules"] = std::move(rules);
        } catch (const auth::acl_syntax_error& e) {
          // The broker keeps the rules it had; the text shows what is wrong.
          answer["rules"] = nullptr;
          answer["problem"] = e.what();
        }
        return json_response(200, answer);
      },
      respond);
}

void admin_api::add_acl_rule(const call& c, const responder& respond) {
  auto body = json_body(c.body);
  if (auto* error = std::get_if<http_response>(&body)) {
    respond(std::move(*error));
    return;
  }
  auto rule = read_rule(
      [&request = std::get<json>(body)](const char* name) { return string_field(request, name); });
  if (auto* error = std::get_if<http_response>(&rule)) {
    respond(std::move(*error));
    return;
  }
  change_acl_file(
      201,
      acl_change(std::get<auth::acl_entry>(rule),
                 [](auth::acl_document& document, const auth::acl_entry& entry) -> change_result {
                   if (const auto line = document.find(entry)) {
                     return error_response(
                         409, fmt::format("the rule {} exists (line {})", describe(entry), *line));
                   }
                   document.add(entry);
                   return json{{"rule", rule_json(entry)}, {"added", true}};
                 }),
      respond);
}

void admin_api::remove_acl_rule(const call& c, const responder& respond) {
  auto rule = read_rule([&c](const char* name) -> std::optional<std::string> {
    auto value = text::query_value(c.query, name);
    if (value && value->empty()) {
      return std::nullopt;
    }
    return value;
  });
  if (auto* error = std::get_if<http_response>(&rule)) {
    respond(std::move(*error));
    return;
  }
  change_acl_file(
      200,
      acl_change(std::get<auth::acl_entry>(rule),
                 [](auth::acl_document& document, const auth::acl_entry& entry) -> change_result {
                   const auto removed = document.remove(entry);
                   if (removed == 0) {
                     return error_response(404, fmt::format("no rule {}", describe(entry)));
                   }
                   return json{{"rule", rule_json(entry)}, {"removed", removed}};
                 }),
      respond);
}

}  // namespace telemq::admin
