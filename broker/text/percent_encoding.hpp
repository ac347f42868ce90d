#pragma once
// Percent-encoding of path segments and query strings (RFC 3986). Client ids and topics contain
// '/', so an id or a topic travels as one encoded segment: /api/v1/clients/plant%2F7.
//
// '+' is a plus sign, not a space (the form-encoding rule does not apply): it is MQTT's
// single-level wildcard, and ?filter=sensors/+/temp should mean what it says.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace telemq::text {

// Nothing when a '%' is not followed by two hexadecimal digits.
std::optional<std::string> percent_decode(std::string_view text);

// Encodes every byte outside RFC 3986's unreserved set (letters, digits, "-._~"), so the result
// is one path segment or one query value whatever text holds.
std::string percent_encode(std::string_view text);

struct query_parameter {
  std::string name;
  std::string value;

  bool operator==(const query_parameter&) const = default;
};

// "a=1&b&c=%20" -> (a,1) (b,"") (c," "); empty pieces are skipped. Nothing when an escape is
// malformed.
std::optional<std::vector<query_parameter>> parse_query(std::string_view query);

// Every value given for name, in order.
std::vector<std::string> query_values(const std::vector<query_parameter>& parameters,
                                      std::string_view name);
// The last value given for name.
std::optional<std::string> query_value(const std::vector<query_parameter>& parameters,
                                       std::string_view name);

}  // namespace telemq::text
