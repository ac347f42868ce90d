#pragma once
// The database schema: persistence/schema.sql, embedded at build time, read as an ordered list
// of migrations. PRAGMA user_version records how many of them a database has had.
#include <cstdint>
#include <string_view>
#include <vector>

#include "persistence/sqlite.hpp"

namespace telemq::persistence {

// The text of persistence/schema.sql; defined in the source CMake generates from it.
extern const std::string_view schema_sql;

// PRAGMA application_id of a telemq database: 'TLMQ'.
inline constexpr std::int64_t telemq_application_id = 0x544C4D51;

struct migration {
  int version = 0;
  std::string_view title;
  std::string_view sql;
};

// Splits a schema at its "-- migration N: title" lines. Throws std::logic_error unless the
// versions run 1, 2, 3... in order: a broken schema.sql must fail its unit test, not a database.
std::vector<migration> parse_migrations(std::string_view sql);

// The migrations built into this telemq, and the version a database has after all of them.
const std::vector<migration>& migrations();
int latest_schema_version();

// Applies every migration above `from` in one transaction, so a crash leaves the database at
// `from` or at the latest version, never in between.
void migrate(sqlite::connection& db, int from);

}  // namespace telemq::persistence
