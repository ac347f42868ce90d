#pragma once
// The one exception the SQLite store lets out: a start-up failure whose what() is a single line
// the server prints as it is.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace telemq::persistence {

// Why opening failed. Recovery moves only a damaged file aside: a newer schema or another
// program's database still holds data that someone wants.
enum class store_error_kind : std::uint8_t {
  io,            // cannot open, read or write the file (permissions, missing folder, locked)
  corrupt,       // not a database, truncated, fails its integrity check or holds bad rows
  newer_schema,  // written by a newer telemq
  foreign,       // a database of some other program
};

class store_error : public std::runtime_error {
 public:
  // what: the whole line for the operator; detail: the bare cause (SQLite's message, the failed
  // check), for logs that give their own context.
  store_error(store_error_kind kind, const std::string& what, std::string detail = {})
      : std::runtime_error(what), kind_(kind), detail_(std::move(detail)) {}

  store_error_kind kind() const noexcept { return kind_; }
  const std::string& detail() const noexcept { return detail_; }

 private:
  store_error_kind kind_;
  std::string detail_;
};

}  // namespace telemq::persistence
