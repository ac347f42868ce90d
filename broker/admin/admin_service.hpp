#pragma once
// The admin module as the server sees it: the admin API and /metrics on their own listener,
// $SYS topics, and the tap that counts messages per topic. Everything runs on the broker thread
// (the io_context given); only reads and writes of the password and ACL files go to a worker
// thread.
//
// The server constructs it after the broker and the listeners, calls start() once the broker is
// restored, and stop() when it shuts down; destroy it before the broker and the io_context.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/admin/admin_options.hpp"
#include "broker/core/log.hpp"

namespace boost::asio {
class io_context;
}

namespace telemq::core {
class broker;
}

namespace telemq::auth {
class file_access_control;
}

namespace telemq::persistence {
class sqlite_store;
}

namespace telemq::net {
class connection_set;
}

namespace telemq::admin {

struct admin_environment {
  boost::asio::io_context& io;
  core::broker& broker;
  // The access control that reads password_file and acl_file; reloaded after the API changes
  // users or ACL rules. Null when the server checks no files.
  auth::file_access_control* access = nullptr;
  std::optional<std::filesystem::path> password_file;
  std::optional<std::filesystem::path> acl_file;
  // Where admin.token is kept.
  std::filesystem::path data_dir;
  // For the store's size and commit figures; null in memory mode.
  const persistence::sqlite_store* store = nullptr;
  // Every connection of the broker thread, for the per-listener counts and refusals; may be
  // null.
  const net::connection_set* connections = nullptr;
  std::string version;     // "0.1.0"
  std::string durability;  // "process", "power" or "memory"
  // What SIGHUP does; returns the problems (empty when everything was applied). POST
  // /api/v1/reload calls it.
  std::function<std::vector<std::string>()> reload;
  core::log_sink log;
};

class admin_service {
 public:
  // Reads DATA_DIR/admin.token or creates it, and binds the listener when enabled. Throws
  // std::runtime_error with one line for the operator (a busy port, an unwritable data folder).
  admin_service(admin_options options, admin_environment environment);
  ~admin_service();
  admin_service(const admin_service&) = delete;
  admin_service& operator=(const admin_service&) = delete;

  // Starts accepting, the tick and $SYS (published at once, then every sys_interval).
  void start();
  // Stops accepting, closes admin connections and cancels the timers, so the io_context can run
  // out of work.
  void stop();

  // The listener's address (the real port when 0 was asked); nothing when disabled.
  std::optional<admin_address> local_address() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace telemq::admin
