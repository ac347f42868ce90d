#include "persistence/sqlite.hpp"

#include <sqlite3.h>

#include <utility>

namespace telemq::persistence::sqlite {

namespace {

// sqlite3 takes a null pointer as NULL, so an empty string or payload needs a real address to
// stay an empty value.
const char* non_null(std::string_view bytes) {
  return bytes.data() ? bytes.data() : "";
}

}  // namespace

bool error::is_corruption() const noexcept {
  const int primary = code_ & 0xFF;  // SQLITE_CORRUPT_INDEX -> SQLITE_CORRUPT
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

connection::connection(const std::filesystem::path& path, open_mode mode) {
  // NOMUTEX: one thread uses the connection at a time (the store serialises access), so
  // SQLite's own per-call locking would be pure cost.
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  flags |= mode == open_mode::read_only ? SQLITE_OPEN_READONLY
                                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int code = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (code != SQLITE_OK) {
    // The handle exists even on failure and carries the message.
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
    close();
    throw error(code, message);
  }
}

connection::connection(connection&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

connection& connection::operator=(connection&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

connection::~connection() {
  close();
}

void connection::close() noexcept {
  // close_v2 defers the real close until the last statement is finalised, so the order in
  // which owners are destroyed cannot leak the handle.
  sqlite3_close_v2(std::exchange(db_, nullptr));
}

void connection::fail(int code) const {
  throw error(code, sqlite3_errmsg(db_));
}

void connection::exec(std::string_view sql) {
  const std::string text(sql);
  const int code = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) {
    fail(sqlite3_extended_errcode(db_));
  }
}

std::int64_t connection::query_int(std::string_view sql) {
  statement st(*this, sql);
  return st.step() ? st.column_int(0) : 0;
}

std::string connection::query_text(std::string_view sql) {
  statement st(*this, sql);
  return st.step() ? std::string(st.column_text(0)) : std::string();
}

std::int64_t connection::changes() const noexcept {
  return sqlite3_changes64(db_);
}

statement::statement(connection& db, std::string_view sql) : db_(db.handle()) {
  const int code = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (code != SQLITE_OK) {
    db.fail(code);
  }
}

statement::statement(statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), db_(other.db_) {}

statement& statement::operator=(statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    db_ = other.db_;
  }
  return *this;
}

statement::~statement() {
  sqlite3_finalize(stmt_);
}

void statement::reset() noexcept {
  // The result repeats the last step's error, which step() has already reported.
  sqlite3_reset(stmt_);
}

bool statement::step() {
  const int code = sqlite3_step(stmt_);
  if (code == SQLITE_ROW) {
    return true;
  }
  if (code == SQLITE_DONE) {
    return false;
  }
  const std::string message = sqlite3_errmsg(db_);
  sqlite3_reset(stmt_);
  throw error(code, message);
}

void statement::check_bind(int code) {
  if (code != SQLITE_OK) {
    throw error(code, sqlite3_errmsg(db_));
  }
}

void statement::bind(int index, std::int64_t value) {
  check_bind(sqlite3_bind_int64(stmt_, index, value));
}

void statement::bind(int index, std::string_view text) {
  check_bind(
      sqlite3_bind_text64(stmt_, index, non_null(text), text.size(), SQLITE_STATIC, SQLITE_UTF8));
}

void statement::bind(int index, blob value) {
  check_bind(
      sqlite3_bind_blob64(stmt_, index, non_null(value.bytes), value.bytes.size(), SQLITE_STATIC));
}

void statement::bind(int index, std::nullopt_t) {
  check_bind(sqlite3_bind_null(stmt_, index));
}

bool statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t statement::column_int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string_view statement::column_text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  return text ? std::string_view(text, size) : std::string_view();
}

std::string_view statement::column_blob(int column) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  return bytes ? std::string_view(bytes, size) : std::string_view();
}

std::string_view statement::column_name(int column) const {
  const char* name = sqlite3_column_name(stmt_, column);
  return name ? std::string_view(name) : std::string_view();
}

transaction::transaction(connection& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE");
}

transaction::~transaction() {
  if (open_ && sqlite3_get_autocommit(db_.handle()) == 0) {
    // Nothing to report: the exception that brought us here says what went wrong.
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace telemq::persistence::sqlite
