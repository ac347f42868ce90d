#pragma once
// Opening the database at start-up, with the optional way out of a corrupt file.
#include <filesystem>
#include <memory>

#include "broker/core/store.hpp"
#include "persistence/database.hpp"

namespace telemq::persistence {

struct opened_database {
  std::unique_ptr<database> db;
  core::store_snapshot snapshot;
};

// Opens and reads options.path. A corrupt file is refused with store_error or, with
// options.recover, moved aside (with its -wal, -shm and -journal) and replaced by an empty
// database, with a warning that says where it went and what it held.
opened_database open_database(const sqlite_options& options);

// Where a corrupt file goes: NAME.corrupt-YYYYmmddTHHMMSS in UTC, with -2, -3... appended when
// that name is taken.
std::filesystem::path corrupt_path(const std::filesystem::path& path, core::timestamp now);

}  // namespace telemq::persistence
