#pragma once
// What a Prometheus scraper requires of text format 0.0.4, as gtest checks: every line is a
// comment (# HELP, # TYPE) or a sample `name{label="value",...} value`; each family is declared
// once, before its samples; counters are named *_total; a histogram's buckets carry `le`, never
// decrease, and end with le="+Inf" equal to _count. Shared with the integration tests, which
// check the live /metrics.
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

namespace telemq::admin::testing {

inline bool metric_name_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
         (!first && c >= '0' && c <= '9');
}

// The sample's metric name, or empty when the line is not a valid sample.
inline std::string sample_name(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && metric_name_char(line[i], i == 0)) {
    ++i;
  }
  const std::string name(line.substr(0, i));
  if (name.empty()) {
    return {};
  }
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (true) {
      const std::size_t start = i;
      while (i < line.size() && metric_name_char(line[i], i == start) && line[i] != ':') {
        ++i;
      }
      if (i == start || line.substr(i, 2) != "=\"") {
        return {};
      }
      i += 2;
      while (i < line.size() && line[i] != '"') {
        i += line[i] == '\\' ? 2 : 1;
      }
      if (i >= line.size()) {
        return {};
      }
      ++i;  // closing quote
      if (i < line.size() && line[i] == ',') {
        ++i;
        continue;
      }
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      return {};
    }
  }
  if (i >= line.size() || line[i] != ' ') {
    return {};
  }
  const std::string value(line.substr(i + 1));
  if (value == "NaN" || value == "+Inf" || value == "-Inf") {
    return name;
  }
  char* end = nullptr;
  std::strtod(value.c_str(), &end);
  return !value.empty() && end == value.c_str() + value.size() ? name : std::string();
}

inline double sample_value(const std::string& line) {
  return std::strtod(line.c_str() + line.rfind(' ') + 1, nullptr);
}

inline void expect_valid_exposition(const std::string& text) {
  std::set<std::string> declared;
  std::string family;
  std::string type;
  double last_bucket = 0;
  double infinite_bucket = -1;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("# HELP ")) {
      continue;
    }
    if (line.starts_with("# TYPE ")) {
      std::istringstream fields(line.substr(7));
      fields >> family >> type;
      EXPECT_TRUE(declared.insert(family).second) << "declared twice: " << line;
      EXPECT_TRUE(type == "counter" || type == "gauge" || type == "summary" || type == "histogram")
          << line;
      last_bucket = 0;
      infinite_bucket = -1;
      if (type == "counter") {
        EXPECT_TRUE(family.ends_with("_total")) << line;
      }
      continue;
    }
    const std::string name = sample_name(line);
    ASSERT_FALSE(name.empty()) << "not a sample: " << line;
    if (type == "histogram" && name == family + "_bucket") {
      EXPECT_NE(line.find("le=\""), std::string::npos) << line;
      EXPECT_GE(sample_value(line), last_bucket) << "buckets are cumulative: " << line;
      last_bucket = sample_value(line);
      if (line.find("le=\"+Inf\"") != std::string::npos) {
        infinite_bucket = last_bucket;
      }
      continue;
    }
    if (type == "histogram" && name == family + "_count") {
      EXPECT_EQ(sample_value(line), infinite_bucket) << "the +Inf bucket is the count: " << line;
    }
    EXPECT_TRUE(name == family || name == family + "_sum" || name == family + "_count")
        << name << " outside its family " << family;
  }
}

}  // namespace telemq::admin::testing
