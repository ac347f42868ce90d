#pragma once
// Reading query parameters the way every list endpoint of the admin API does.
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "broker/admin/http_message.hpp"
#include "broker/admin/percent_encoding.hpp"

namespace telemq::admin {

struct paging {
  static constexpr std::size_t default_limit = 1000;
  static constexpr std::size_t max_limit = 100'000;

  std::size_t offset = 0;
  std::size_t limit = default_limit;
};

// ?limit=N&offset=M; a 400 response when either is not a number in range.
std::optional<http_response> read_paging(const std::vector<query_parameter>& query, paging& out);

// The [first, last) indexes of the page within count items.
std::pair<std::size_t, std::size_t> page_range(std::size_t count, const paging& page);

// ?name=1|true|0|false; nothing when absent; a 400 response when it is something else.
std::optional<http_response> read_flag(const std::vector<query_parameter>& query,
                                       std::string_view name, std::optional<bool>& out);

}  // namespace telemq::admin
