#pragma once
// A thin RAII layer over the SQLite C API: a connection, a prepared statement, a transaction.
// Only what the store uses; every failure becomes sqlite::error carrying the result code, so
// callers can tell a damaged file from a full disk.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

struct sqlite3;
struct sqlite3_stmt;

namespace telemq::persistence::sqlite {

class error : public std::runtime_error {
 public:
  error(int code, const std::string& message) : std::runtime_error(message), code_(code) {}

  // The extended result code, e.g. SQLITE_IOERR_WRITE.
  int code() const noexcept { return code_; }
  // SQLITE_CORRUPT or SQLITE_NOTADB: the file itself is damaged.
  bool is_corruption() const noexcept;

 private:
  int code_;
};

// Binds as a BLOB; a std::string_view alone binds as TEXT.
struct blob {
  std::string_view bytes;
};

enum class open_mode : std::uint8_t { read_write_create, read_only };

class connection {
 public:
  connection() = default;
  connection(const std::filesystem::path& path, open_mode mode);
  connection(connection&& other) noexcept;
  connection& operator=(connection&& other) noexcept;
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  ~connection();

  sqlite3* handle() const noexcept { return db_; }

  // Runs one or more statements that return no rows.
  void exec(std::string_view sql);
  // The first column of the first row of a query, e.g. a PRAGMA.
  std::int64_t query_int(std::string_view sql);
  std::string query_text(std::string_view sql);
  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t changes() const noexcept;

  // Throws the error of the last failed call on this connection.
  [[noreturn]] void fail(int code) const;

  void close() noexcept;

 private:
  sqlite3* db_ = nullptr;
};

class statement {
 public:
  statement(connection& db, std::string_view sql);
  statement(statement&& other) noexcept;
  statement& operator=(statement&& other) noexcept;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  ~statement();

  // Resets the statement and binds the arguments to parameters 1, 2, ... in order. Integers,
  // bool, std::string_view (TEXT), blob, std::nullopt and std::optional of those are accepted.
  // Text and blobs are not copied: they must outlive the step() calls that follow.
  template <class... Args>
  statement& bind_all(const Args&... args) {
    reset();
    [[maybe_unused]] int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // Advances to the next row: true while a row is ready, false when the statement is done.
  bool step();
  // bind_all(args...) then step() to completion, for statements that return no rows.
  template <class... Args>
  void execute(const Args&... args) {
    bind_all(args...);
    while (step()) {
    }
  }
  void reset() noexcept;

  // Columns of the current row, from 0.
  bool is_null(int column) const;
  std::int64_t column_int(int column) const;
  std::string_view column_text(int column) const;
  std::string_view column_blob(int column) const;
  std::string_view column_name(int column) const;

 private:
  void bind(int index, std::int64_t value);
  void bind(int index, std::string_view text);
  void bind(int index, blob value);
  void bind(int index, std::nullopt_t);
  template <class T>
  requires std::is_integral_v<T>
  void bind(int index, T value) { bind(index, static_cast<std::int64_t>(value)); }
  void bind(int index, const std::string& text) { bind(index, std::string_view(text)); }
  template <class T>
  void bind(int index, const std::optional<T>& value) {
    if (value) {
      bind(index, *value);
    } else {
      bind(index, std::nullopt);
    }
  }
  void check_bind(int code);

  sqlite3_stmt* stmt_ = nullptr;
  sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when left by an exception. IMMEDIATE takes the write
// lock up front, so a lock held elsewhere fails at BEGIN rather than halfway through.
class transaction {
 public:
  explicit transaction(connection& db);
  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;
  ~transaction();

  void commit();

 private:
  connection& db_;
  bool open_ = true;
};

}  // namespace telemq::persistence::sqlite
