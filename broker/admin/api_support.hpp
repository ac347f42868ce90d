#pragma once
// Reading query parameters the way every list endpoint of the admin API does, request bodies,
// and editing the files the users and ACL endpoints change.
#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "broker/admin/http_message.hpp"
#include "broker/text/percent_encoding.hpp"

namespace telemq::admin {

struct paging {
  static constexpr std::size_t default_limit = 1000;
  static constexpr std::size_t max_limit = 100'000;

  std::size_t offset = 0;
  std::size_t limit = default_limit;
};

// ?limit=N&offset=M; a 400 response when either is not a number in range.
std::optional<http_response> read_paging(const std::vector<text::query_parameter>& query,
                                         paging& out);

// The [first, last) indexes of the page within count items.
std::pair<std::size_t, std::size_t> page_range(std::size_t count, const paging& page);

// ?name=1|true|0|false; nothing when absent; a 400 response when it is something else.
std::optional<http_response> read_flag(const std::vector<text::query_parameter>& query,
                                       std::string_view name, std::optional<bool>& out);

// The body's JSON object, or the 400 response saying what is wrong with it.
std::variant<nlohmann::json, http_response> json_body(const std::string& body);

// A string member that is present and not empty.
std::optional<std::string> string_field(const nlohmann::json& object, const char* name);

// What a change to a file answers: the response body on success, or an error response.
using change_result = std::variant<nlohmann::json, http_response>;

// Loads the file as a Document (auth::password_file, auth::acl_document), lets edit change it
// and saves it (atomically) when edit answers with a body rather than an error. The exceptions
// of load, edit and save go through.
template <typename Document, typename Edit>
change_result edit_document(const std::filesystem::path& path, Edit edit) {
  auto document = Document::load(path);
  change_result result = edit(document);
  if (std::holds_alternative<nlohmann::json>(result)) {
    document.save(path);
  }
  return result;
}

}  // namespace telemq::admin
