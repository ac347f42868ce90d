// A database the broker cannot trust stops it with one clear line, or, with recovery enabled, is
// moved aside so the broker starts empty and says what was left behind.
#include <gtest/gtest.h>

#include <fstream>

#include "persistence/recovery.hpp"
#include "persistence/sqlite_store.hpp"
#include "test_support.hpp"

namespace telemq::persistence {
namespace {

using namespace testing;

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Fills a database with enough rows to span many pages, and closes it.
void fill(const std::filesystem::path& db) {
  broker_loop loop;
  sqlite_store store(options_for(db, loop));
  store.load();
  for (std::uint64_t id = 1; id <= 2000; ++id) {
    store.save_message(make_message(id, "t/" + std::to_string(id), std::string(500, 'p')));
    store.save_delivery(make_delivery("sub", id, id));
  }
  core::stored_session s;
  s.client_id = "sub";
  store.save_session(s);
}

// The store_error opening `o` throws.
store_error open_error_of(const sqlite_options& o) {
  try {
    sqlite_store store(o);
  } catch (const store_error& e) {
    return e;
  }
  ADD_FAILURE() << "opened without error";
  return store_error(store_error_kind::io, "");
}

class OpenErrors : public ::testing::Test {
 protected:
  temp_dir dir_;
  broker_loop loop_;
  log_capture log_;

  sqlite_options options(bool recover = false) {
    auto o = options_for(dir_.db(), loop_);
    o.recover = recover;
    o.log = log_.sink();
    return o;
  }
};

TEST_F(OpenErrors, NewerSchemaVersionIsRefusedWithOneClearLine) {
  fill(dir_.db());
  sqlite::connection(dir_.db(), sqlite::open_mode::read_write_create)
      .exec("PRAGMA user_version = 7");
  const auto e = open_error_of(options());
  EXPECT_EQ(e.kind(), store_error_kind::newer_schema);
  EXPECT_EQ(std::string(e.what()), dir_.db().string() +
                                       " has schema version 7, newer than this telemq (1); "
                                       "upgrade telemq or move the file aside");
}

TEST_F(OpenErrors, NewerSchemaIsNeverMovedAsideEvenWithRecovery) {
  fill(dir_.db());
  sqlite::connection(dir_.db(), sqlite::open_mode::read_write_create)
      .exec("PRAGMA user_version = 7");
  EXPECT_EQ(open_error_of(options(true)).kind(), store_error_kind::newer_schema);
  EXPECT_EQ(count_rows(dir_.db(), "messages"), 2000);
}

TEST_F(OpenErrors, GarbageFileIsRefusedAsCorrupt) {
  write_file(dir_.db(), std::string(8192, 'g'));
  const auto e = open_error_of(options());
  EXPECT_EQ(e.kind(), store_error_kind::corrupt);
  const std::string what = e.what();
  EXPECT_EQ(what.find('\n'), std::string::npos);
  EXPECT_EQ(what, dir_.db().string() +
                      " is corrupt (file is not a database); restore it from a backup, or "
                      "enable recovery to move it aside and start empty");
  EXPECT_EQ(read_file(dir_.db()), std::string(8192, 'g'));  // left as it was
}

TEST_F(OpenErrors, TruncatedDatabaseIsRefusedAsCorrupt) {
  fill(dir_.db());
  std::filesystem::resize_file(dir_.db(), std::filesystem::file_size(dir_.db()) / 2);
  const auto e = open_error_of(options());
  EXPECT_EQ(e.kind(), store_error_kind::corrupt) << e.what();
  EXPECT_NE(std::string(e.what()).find(" is corrupt ("), std::string::npos) << e.what();
}

TEST_F(OpenErrors, DamagedPageIsRefusedAsCorrupt) {
  fill(dir_.db());
  // Overwrite page 5 (a b-tree page of the data) with noise.
  std::fstream f(dir_.db(), std::ios::binary | std::ios::in | std::ios::out);
  f.seekp(4096 * 4);
  const std::string noise(4096, '\x5A');
  f.write(noise.data(), static_cast<std::streamsize>(noise.size()));
  f.close();
  EXPECT_EQ(open_error_of(options()).kind(), store_error_kind::corrupt);
}

TEST_F(OpenErrors, UnreadableRowIsRefusedAsCorruptNamingTheRow) {
  fill(dir_.db());
  sqlite::connection(dir_.db(), sqlite::open_mode::read_write_create)
      .exec("UPDATE messages SET qos = 7 WHERE id = 5");
  const auto e = open_error_of(options());
  EXPECT_EQ(e.kind(), store_error_kind::corrupt);
  EXPECT_NE(std::string(e.what()).find("unreadable row messages 5: qos out of range"),
            std::string::npos)
      << e.what();
}

TEST_F(OpenErrors, AnotherProgramsDatabaseIsRefused) {
  sqlite::connection(dir_.db(), sqlite::open_mode::read_write_create)
      .exec("CREATE TABLE accounts (id INTEGER)");
  const auto e = open_error_of(options(true));
  EXPECT_EQ(e.kind(), store_error_kind::foreign);
  EXPECT_NE(std::string(e.what()).find("is not a telemq database"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(dir_.db()));
}

TEST_F(OpenErrors, MissingFolderIsAnIoError) {
  auto o = options();
  o.path = dir_.path() / "no" / "such" / "folder" / "telemq.db";
  const auto e = open_error_of(o);
  EXPECT_EQ(e.kind(), store_error_kind::io);
  EXPECT_NE(std::string(e.what()).find("cannot open "), std::string::npos);
}

TEST_F(OpenErrors, RecoveryMovesACorruptFileAsideAndStartsEmpty) {
  write_file(dir_.db(), std::string(8192, 'g'));
  write_file(dir_.db().string() + "-wal", "stale log");
  {
    sqlite_store store(options(true));
    const auto snap = store.load();
    EXPECT_TRUE(snap.sessions.empty());
    EXPECT_TRUE(snap.messages.empty());
    store.save_message(make_message(1, "t", "x"));
    store.save_delivery(make_delivery("sub", 1, 1));
  }
  const auto aside = corrupt_path(dir_.db(), t0);  // the name taken is now in use: -2 next
  const auto moved = std::filesystem::path(dir_.db().string() + ".corrupt-20231114T221320");
  EXPECT_EQ(aside.string(), moved.string() + "-2");
  EXPECT_EQ(read_file(moved), std::string(8192, 'g'));
  EXPECT_EQ(read_file(moved.string() + "-wal"), "stale log");
  EXPECT_TRUE(log_.contains("store moved a corrupt database aside and starts empty")) << log_.all();
  EXPECT_TRUE(log_.contains("moved_to=" + moved.string())) << log_.all();
  EXPECT_TRUE(log_.contains("reason=\"file is not a database\"")) << log_.all();
  EXPECT_EQ(count_rows(dir_.db(), "deliveries"), 1);  // the new database works
}

TEST_F(OpenErrors, RecoverySaysWhatTheDamagedFileHeld) {
  fill(dir_.db());
  sqlite::connection(dir_.db(), sqlite::open_mode::read_write_create)
      .exec("UPDATE messages SET qos = 7 WHERE id = 5");
  sqlite_store store(options(true));
  EXPECT_TRUE(store.load().messages.empty());
  EXPECT_TRUE(log_.contains("lost=\"sessions=1 messages=2000 retained=0\"")) << log_.all();
}

}  // namespace
}  // namespace telemq::persistence
