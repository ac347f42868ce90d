#include "broker/admin/router.hpp"

namespace telemq::admin::detail {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.starts_with('/')) {
    path.remove_prefix(1);
  }
  while (true) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) {
      return segments;
    }
    path.remove_prefix(slash + 1);
  }
}

std::optional<std::vector<std::string>> match_pattern(const std::vector<std::string_view>& pattern,
                                                      const std::vector<std::string_view>& path,
                                                      std::string_view raw_path,
                                                      bool& bad_encoding) {
  std::vector<std::string> parameters;
  bool undecodable = false;
  const auto decode = [&](std::string_view text) {
    auto decoded = text::percent_decode(text);
    undecodable = undecodable || !decoded;
    parameters.push_back(decoded.value_or(std::string{}));
  };
  std::size_t i = 0;
  for (; i < pattern.size(); ++i) {
    if (i >= path.size()) {
      return std::nullopt;
    }
    if (pattern[i] == "{*}" && i + 1 == pattern.size()) {
      if (path[i].empty()) {
        return std::nullopt;
      }
      // The rest of the raw path from this segment on, '/' and empty levels kept.
      decode(raw_path.substr(static_cast<std::size_t>(path[i].data() - raw_path.data())));
      i = path.size();
      break;
    }
    if (pattern[i] == "{}") {
      if (path[i].empty()) {
        return std::nullopt;
      }
      decode(path[i]);
    } else if (pattern[i] != path[i]) {
      return std::nullopt;
    }
  }
  if (i != path.size()) {
    return std::nullopt;
  }
  if (undecodable) {
    bad_encoding = true;
    return std::nullopt;
  }
  return parameters;
}

}  // namespace telemq::admin::detail
