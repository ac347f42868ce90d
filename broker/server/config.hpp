#pragma once
// The daemon's configuration: defaults, then a TOML file, then the command line, each overriding
// the one before. docs/configuration.md documents every key.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "broker/admin/admin_options.hpp"
#include "broker/core/limits.hpp"
#include "broker/core/log.hpp"
#include "broker/net/listener_config.hpp"

namespace telemq::server {

enum class durability_mode : unsigned char {
  process,  // survives kill -9 (SQLite WAL, synchronous=NORMAL)
  power,    // survives power loss (fsync on every commit)
  memory,   // keeps nothing past the process
};

struct config {
  // Empty after loading only if the user asked for none; the default is mqtt://127.0.0.1:1883.
  std::vector<net::listener_config> listeners;
  std::filesystem::path data_dir = "./data";
  core::log_level log_level = core::log_level::info;
  durability_mode durability = durability_mode::process;
  bool db_recover = false;          // move a corrupt database aside and start empty
  std::size_t max_connections = 0;  // 0: no limit
  // Threads serving connections, the broker thread included; 0: one per CPU the process may
  // run on.
  std::size_t threads = 0;
  // Mosquitto-format password file and ACL file; without them every client the listener admits
  // may do everything (see docs/security.md).
  std::optional<std::filesystem::path> password_file;
  std::optional<std::filesystem::path> acl_file;
  core::broker_limits limits;
  admin::admin_options admin;  // [admin]: the admin API, /metrics and $SYS
};

// What the command line sets; an empty optional was not given. Each maps to a TOML key.
struct overrides {
  std::vector<std::string> listen;  // replaces the file's [[listener]] tables
  std::optional<std::string> data_dir;
  std::optional<std::string> log_level;
  std::optional<std::string> durability;
  std::optional<bool> db_recover;
  std::optional<std::size_t> max_connections;
  std::optional<std::size_t> threads;
  std::optional<std::string> password_file;
  std::optional<std::string> acl_file;
  std::optional<std::string> admin_listen;  // an address, or "off"
  // These apply to every listener (the TLS ones to every mqtts:// and wss:// listener).
  std::optional<bool> allow_anonymous;
  std::optional<std::string> cert_file;
  std::optional<std::string> key_file;
  std::optional<std::string> ca_file;
  std::optional<bool> require_certificate;
  std::optional<bool> use_identity_as_username;
};

// Why a configuration was refused: one line, "FILE:LINE: key: reason" for the file, "--option:
// reason" for the command line.
class config_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads file (when given) and applies the overrides; throws config_error.
config load_config(const std::optional<std::filesystem::path>& file, const overrides& cli);
// The same from TOML text; source_name stands for the file in error messages.
config parse_config(std::string_view toml, std::string_view source_name, const overrides& cli);

// The configuration as TOML that parse_config reads back to the same configuration.
std::string to_toml(const config& cfg);

std::string_view to_string(durability_mode mode);
std::string_view to_string(core::log_level level);

}  // namespace telemq::server
