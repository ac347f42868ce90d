#pragma once
// Maps a method and a request path to a handler and its path parameters.
//
// Patterns are paths whose segments are literal, "{}" (one segment, percent-decoded) or, as the
// last segment, "{*}" (the rest of the path, '/' included, percent-decoded as a whole: a topic
// may be sent as one encoded segment or as its levels). Segments are split before decoding, so
// an encoded '/' (%2F) inside "{}" stays part of the parameter.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/text/percent_encoding.hpp"

namespace telemq::admin {

enum class route_outcome : unsigned char {
  found,
  not_found,           // no pattern matches the path: 404
  method_not_allowed,  // patterns match the path, none with this method: 405 with Allow
  bad_encoding,        // a parameter has a malformed %-escape: 400
};

template <typename Handler>
struct route_result {
  route_outcome outcome = route_outcome::not_found;
  const Handler* handler = nullptr;
  std::vector<std::string> parameters;
  std::string allow;  // "GET, DELETE" for method_not_allowed
};

namespace detail {

std::vector<std::string_view> split_path(std::string_view path);

// The parameters of path under pattern (both split), or nothing when it does not match; sets
// bad_encoding when it matches but a parameter cannot be decoded.
std::optional<std::vector<std::string>> match_pattern(const std::vector<std::string_view>& pattern,
                                                      const std::vector<std::string_view>& path,
                                                      std::string_view raw_path,
                                                      bool& bad_encoding);

}  // namespace detail

template <typename Handler>
class router {
 public:
  void add(std::string method, std::string pattern, Handler handler) {
    routes_.push_back({std::move(method), std::move(pattern), std::move(handler)});
  }

  route_result<Handler> find(std::string_view method, std::string_view path) const {
    route_result<Handler> result;
    const auto segments = detail::split_path(path);
    for (const auto& r : routes_) {
      bool bad_encoding = false;
      auto parameters =
          detail::match_pattern(detail::split_path(r.pattern), segments, path, bad_encoding);
      if (!parameters && !bad_encoding) {
        continue;
      }
      if (r.method != method) {
        result.allow += (result.allow.empty() ? "" : ", ") + r.method;
        continue;
      }
      if (bad_encoding) {
        result.outcome = route_outcome::bad_encoding;
        return result;
      }
      result.outcome = route_outcome::found;
      result.handler = &r.handler;
      result.parameters = std::move(*parameters);
      return result;
    }
    result.outcome =
        result.allow.empty() ? route_outcome::not_found : route_outcome::method_not_allowed;
    return result;
  }

 private:
  struct route {
    std::string method;
    std::string pattern;
    Handler handler;
  };
  std::vector<route> routes_;
};

}  // namespace telemq::admin
