#pragma once
// How the server configures the SQLite store. docs/durability.md explains each mode.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>

#include "broker/core/log.hpp"
#include "broker/core/time.hpp"

namespace telemq::persistence {

// What a commit survives. Both use the write-ahead log; memory mode is core::memory_store.
enum class durability : std::uint8_t {
  process,  // synchronous=NORMAL: a commit is in the OS page cache, so it survives kill -9
  power,    // synchronous=FULL: a commit is fsynced, so it survives power loss
};

struct sqlite_options {
  std::filesystem::path path = "data/telemq.db";
  durability mode = durability::process;

  // A batch closes when it holds this many calls, or when its first call is this old, whichever
  // comes first; while one batch commits the next accumulates. The delay is the most an
  // acknowledgement waits for company; 0 commits as soon as the writer is free.
  std::size_t max_batch_operations = 4096;
  std::chrono::microseconds max_batch_delay = std::chrono::milliseconds(1);

  // A corrupt database is moved aside to NAME.corrupt-YYYYmmddTHHMMSS (UTC, with its -wal and
  // -shm) and the store starts empty, logging what was lost. Without it, opening refuses.
  bool recover = false;

  // Runs a batch's after_durable callbacks on the broker's thread. Required.
  std::function<void(std::function<void()>)> post_to_broker;
  // Start-up facts, write errors and retries, recovery. May be empty.
  core::log_sink log;
  // Decides what has expired when the database is read at open.
  std::function<core::timestamp()> clock = [] { return core::clock_type::now(); };

  // How long a statement waits for a lock held by another program (a sqlite3 shell, a backup).
  std::chrono::milliseconds busy_timeout = std::chrono::seconds(5);
  // How long close() keeps retrying a failing write before giving up on it. Nothing it gives up
  // was acknowledged: its callbacks never run.
  std::chrono::milliseconds close_timeout = std::chrono::seconds(10);
};

}  // namespace telemq::persistence
