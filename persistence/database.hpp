#pragma once
// The SQLite side of the store: one connection, its settings and prepared statements. Used by
// one thread at a time: the constructor's, then the store's writer thread.
#include <cstdint>
#include <filesystem>
#include <memory>

#include "broker/core/store.hpp"
#include "persistence/sqlite.hpp"
#include "persistence/sqlite_options.hpp"
#include "persistence/store_error.hpp"
#include "persistence/write_plan.hpp"

namespace telemq::persistence {

class database {
 public:
  // Opens or creates the file, checks that it is an intact telemq database of a version this
  // build knows, applies the durability settings and migrates it. Throws store_error.
  explicit database(const sqlite_options& options);
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  // Deletes what has expired by `now` and reads everything else. Throws store_error (corrupt)
  // for a row this build cannot read.
  core::store_snapshot load(core::timestamp now, const core::log_sink& log);

  // Applies a plan in one transaction. Throws sqlite::error and then leaves the file as it was,
  // so the same plan can be written again.
  void write(const write_plan& plan);

  // Folds the write-ahead log into the database and truncates it, unless a reader is in the
  // way (then the log waits for the next idle moment after a write).
  void checkpoint();

  // For a file that failed its checks: closing leaves it as it was found, for whoever examines
  // it, instead of checkpointing its write-ahead log into it.
  void abandon() noexcept;

 private:
  struct statements;

  void check_identity();
  void check_integrity();
  void configure(const sqlite_options& options);
  // Deletes every row of a client; appends the ids of messages that lost a delivery.
  void delete_client(const std::string& client_id, std::vector<std::uint64_t>& orphan_candidates);

  std::filesystem::path path_;
  std::chrono::milliseconds busy_timeout_;
  sqlite::connection db_;
  std::unique_ptr<statements> st_;
};

// The store_error for a failure while opening or reading a database, and for a damaged one.
store_error open_error(const std::filesystem::path& path, const sqlite::error& e);
store_error corrupt_error(const std::filesystem::path& path, const std::string& detail);

// Unix milliseconds, the unit of every time in the database.
std::int64_t to_unix_ms(core::timestamp t);
core::timestamp from_unix_ms(std::int64_t ms);

}  // namespace telemq::persistence
