#include "persistence/schema.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <string>

namespace telemq::persistence {

namespace {

constexpr std::string_view marker = "-- migration ";

// The version of a "-- migration N: title" line, and its title; nullopt for any other line.
std::optional<migration> parse_marker(std::string_view line) {
  if (!line.starts_with(marker)) {
    return std::nullopt;
  }
  line.remove_prefix(marker.size());
  migration header;
  const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), header.version);
  const auto rest = line.substr(static_cast<std::size_t>(end - line.data()));
  if (ec != std::errc() || !rest.starts_with(":")) {
    throw std::logic_error("schema.sql: malformed migration line: " + std::string(line));
  }
  header.title = rest.substr(rest.find_first_not_of(": "));
  return header;
}

}  // namespace

std::vector<migration> parse_migrations(std::string_view sql) {
  std::vector<migration> result;
  std::size_t pos = 0;
  std::size_t body_start = 0;
  while (pos < sql.size()) {
    const std::size_t eol = std::min(sql.find('\n', pos), sql.size());
    const std::string_view line = sql.substr(pos, eol - pos);
    const std::size_t next = std::min(eol + 1, sql.size());
    if (auto header = parse_marker(line)) {
      if (!result.empty()) {
        result.back().sql = sql.substr(body_start, pos - body_start);
      }
      if (header->version != static_cast<int>(result.size()) + 1) {
        throw std::logic_error("schema.sql: migration " + std::to_string(header->version) +
                               " follows migration " + std::to_string(result.size()) +
                               "; versions must run 1, 2, 3... in order");
      }
      result.push_back(*header);
      body_start = next;
    }
    pos = next;
  }
  if (result.empty()) {
    throw std::logic_error("schema.sql: no \"-- migration 1: ...\" line");
  }
  result.back().sql = sql.substr(body_start);
  return result;
}

const std::vector<migration>& migrations() {
  static const std::vector<migration> built_in = parse_migrations(schema_sql);
  return built_in;
}

int latest_schema_version() {
  return static_cast<int>(migrations().size());
}

void migrate(sqlite::connection& db, int from) {
  if (from >= latest_schema_version()) {
    return;
  }
  sqlite::transaction txn(db);
  for (const migration& step : migrations()) {
    if (step.version > from) {
      db.exec(step.sql);
    }
  }
  db.exec("PRAGMA user_version = " + std::to_string(latest_schema_version()));
  txn.commit();
}

}  // namespace telemq::persistence
