#include "persistence/recovery.hpp"

#include <array>
#include <ctime>
#include <string>
#include <system_error>

namespace telemq::persistence {

namespace {

opened_database open_and_load(const sqlite_options& options) {
  opened_database opened{std::make_unique<database>(options), {}};
  try {
    opened.snapshot = opened.db->load(options.clock(), options.log);
  } catch (const sqlite::error& e) {
    opened.db->abandon();
    throw open_error(options.path, e);
  } catch (...) {
    opened.db->abandon();
    throw;
  }
  return opened;
}

// What the damaged file held, as far as it can still be read: it is about to be left behind.
std::string describe_contents(const std::filesystem::path& path) {
  std::string description;
  try {
    sqlite::connection db(path, sqlite::open_mode::read_only);
    for (const char* table : {"sessions", "messages", "retained"}) {
      std::string count;
      try {
        count = std::to_string(db.query_int(std::string("SELECT count(*) FROM ") + table));
      } catch (const sqlite::error&) {
        count = "unreadable";
      }
      description += (description.empty() ? "" : " ") + std::string(table) + "=" + count;
    }
  } catch (const sqlite::error&) {
    description = "unreadable";
  }
  return description;
}

std::filesystem::path with_suffix(const std::filesystem::path& path, std::string_view suffix) {
  return std::filesystem::path(path.string() + std::string(suffix));
}

void move_aside(const std::filesystem::path& path, const std::filesystem::path& target) {
  std::error_code ec;
  std::filesystem::rename(path, target, ec);
  if (ec) {
    throw store_error(store_error_kind::io, "cannot move corrupt " + path.string() + " aside to " +
                                                target.string() + ": " + ec.message());
  }
  // Keeping the companions next to the moved file keeps it openable as it was.
  for (const std::string_view companion : {"-wal", "-shm", "-journal"}) {
    const auto from = with_suffix(path, companion);
    if (std::filesystem::exists(from, ec)) {
      std::filesystem::rename(from, with_suffix(target, companion), ec);
      if (ec) {
        throw store_error(store_error_kind::io,
                          "cannot move " + from.string() + " aside: " + ec.message());
      }
    }
  }
}

}  // namespace

std::filesystem::path corrupt_path(const std::filesystem::path& path, core::timestamp now) {
  const std::time_t seconds = core::clock_type::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::array<char, 32> stamp{};
  std::strftime(stamp.data(), stamp.size(), "%Y%m%dT%H%M%S", &utc);
  const auto base = with_suffix(path, std::string(".corrupt-") + stamp.data());
  auto candidate = base;
  for (int n = 2; std::filesystem::exists(candidate); ++n) {
    candidate = with_suffix(base, "-" + std::to_string(n));
  }
  return candidate;
}

opened_database open_database(const sqlite_options& options) {
  try {
    return open_and_load(options);
  } catch (const store_error& e) {
    if (!options.recover || e.kind() != store_error_kind::corrupt) {
      throw;
    }
    const std::string lost = describe_contents(options.path);
    const auto target = corrupt_path(options.path, options.clock());
    move_aside(options.path, target);
    if (options.log) {
      options.log(core::log_level::error,
                  "store moved a corrupt database aside and starts empty: path=" +
                      options.path.string() + " moved_to=" + target.string() + " reason=\"" +
                      e.detail() + "\" lost=\"" + lost + "\"");
    }
    return open_and_load(options);
  }
}

}  // namespace telemq::persistence
