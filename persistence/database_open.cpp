// The checks a database passes before the broker trusts it, and the settings it runs with.
#include <string>

#include "persistence/database.hpp"
#include "persistence/schema.hpp"
#include "persistence/store_error.hpp"

namespace telemq::persistence {

void database::check_identity() {
  // The first read of the file: garbage fails here with "file is not a database".
  const std::int64_t application_id = db_.query_int("PRAGMA application_id");
  const std::int64_t version = db_.query_int("PRAGMA user_version");
  const std::string where = path_.string();
  if (application_id != telemq_application_id && application_id != 0) {
    throw store_error(store_error_kind::foreign,
                      where + " is not a telemq database (application_id " +
                          std::to_string(application_id) + "); point telemq at another file");
  }
  if (application_id == 0 && db_.query_int("SELECT count(*) FROM sqlite_schema") > 0) {
    throw store_error(store_error_kind::foreign,
                      where +
                          " is not a telemq database (it holds tables of another program); "
                          "point telemq at another file");
  }
  if (version > latest_schema_version()) {
    throw store_error(store_error_kind::newer_schema,
                      where + " has schema version " + std::to_string(version) +
                          ", newer than this telemq (" + std::to_string(latest_schema_version()) +
                          "); upgrade telemq or move the file aside");
  }
}

void database::check_integrity() {
  // quick_check reads every page (O(size), without the index cross-checks of integrity_check):
  // a damaged page found now is a clear refusal at start-up instead of a failing batch later.
  sqlite::statement check(db_, "PRAGMA quick_check(1)");
  const std::string verdict = check.step() ? std::string(check.column_text(0)) : "ok";
  if (verdict != "ok") {
    throw corrupt_error(path_, verdict);
  }
}

void database::configure(const sqlite_options& options) {
  // WAL: a commit appends to one file, readers do not block the writer, and a crash leaves the
  // last commit intact. synchronous=NORMAL syncs only at checkpoints: a commit is in the OS page
  // cache when COMMIT returns, which survives kill -9 but not a power cut; FULL fsyncs the log
  // at every commit.
  if (db_.query_text("PRAGMA journal_mode = WAL") != "wal") {
    throw store_error(store_error_kind::io,
                      "cannot open " + path_.string() +
                          ": the file system does not support SQLite's write-ahead log");
  }
  db_.exec(options.mode == durability::power ? "PRAGMA synchronous = FULL"
                                             : "PRAGMA synchronous = NORMAL");
  // Fold the log into the database every 4096 pages (16 MiB of 4 KiB pages) and cut the file
  // back to 64 MiB afterwards, so one large batch does not leave a large log behind.
  db_.exec("PRAGMA wal_autocheckpoint = 4096");
  db_.exec("PRAGMA journal_size_limit = 67108864");
  // 32 MiB of page cache: the tails of messages, deliveries and their index stay in memory.
  db_.exec("PRAGMA cache_size = -32768");
  db_.exec("PRAGMA temp_store = MEMORY");
}

}  // namespace telemq::persistence
