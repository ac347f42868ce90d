#include "persistence/schema.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "persistence/sqlite_store.hpp"
#include "test_support.hpp"

namespace telemq::persistence {
namespace {

using testing::temp_dir;

TEST(Schema, BuiltInMigrationsRunFromOneInOrder) {
  const auto& all = migrations();
  ASSERT_FALSE(all.empty());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
    EXPECT_NE(all[i].sql.find("CREATE"), std::string_view::npos);
  }
  EXPECT_EQ(all.front().title, "initial schema");
  EXPECT_EQ(latest_schema_version(), static_cast<int>(all.size()));
}

TEST(Schema, MigrationsSplitAtTheirMarkers) {
  const auto parsed = parse_migrations(
      "-- header\n-- migration 1: first\nCREATE TABLE a (x);\n-- migration 2: second\n"
      "CREATE TABLE b (y);\n");
  ASSERT_EQ(parsed.size(), 2U);
  EXPECT_EQ(parsed[0].title, "first");
  EXPECT_EQ(parsed[0].sql, "CREATE TABLE a (x);\n");
  EXPECT_EQ(parsed[1].title, "second");
  EXPECT_EQ(parsed[1].sql, "CREATE TABLE b (y);\n");
}

TEST(Schema, MigrationsOutOfOrderAreABuildError) {
  EXPECT_THROW(parse_migrations("-- migration 2: skipped one\n"), std::logic_error);
  EXPECT_THROW(parse_migrations("-- migration 1: a\n-- migration 1: again\n"), std::logic_error);
  EXPECT_THROW(parse_migrations("-- migration x: bad\n"), std::logic_error);
  EXPECT_THROW(parse_migrations("CREATE TABLE a (x);\n"), std::logic_error);
}

TEST(Schema, NewDatabaseIsStampedWithVersionAndApplicationId) {
  temp_dir dir;
  {
    testing::broker_loop loop;
    sqlite_store store(testing::options_for(dir.db(), loop));
  }
  sqlite::connection db(dir.db(), sqlite::open_mode::read_only);
  EXPECT_EQ(db.query_int("PRAGMA user_version"), latest_schema_version());
  EXPECT_EQ(db.query_int("PRAGMA application_id"), telemq_application_id);
  EXPECT_EQ(db.query_text("PRAGMA journal_mode"), "wal");
  for (const char* table :
       {"sessions", "subscriptions", "retained", "messages", "deliveries", "incoming_qos2"}) {
    EXPECT_EQ(db.query_int(std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") +
                           table + "'"),
              1)
        << table;
  }
}

}  // namespace
}  // namespace telemq::persistence
