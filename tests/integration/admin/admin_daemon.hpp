#pragma once
// One telemq daemon for one test, configured through a TOML file: an MQTT listener and the admin
// listener on ports the kernel picks (read back from the start-up log), $SYS every second, its
// own data folder. And telemqctl, run as a user runs it.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "fixture/child_process.hpp"

namespace telemq::integration {

struct daemon_settings {
  // The plain MQTT listener's address (a loopback one).
  std::string mqtt_host = "127.0.0.1";
  bool allow_anonymous = true;
  std::string listener_toml;  // more keys of that listener's table ("max_connections = 3\n")
  // Written as the file given as [auth] password_file when not empty: user -> password.
  std::vector<std::pair<std::string, std::string>> users;
  // Written as the file given as [auth] acl_file when not empty.
  std::string acl;
  std::string extra_toml;  // appended to the file
  int sys_interval = 1;    // [admin] sys_interval; 0: no $SYS messages
};

class admin_daemon {
 public:
  explicit admin_daemon(daemon_settings settings = {});
  ~admin_daemon();
  admin_daemon(const admin_daemon&) = delete;
  admin_daemon& operator=(const admin_daemon&) = delete;

  // Empty on success, else what went wrong with the log's tail.
  std::string start();
  // SIGTERM and wait; the exit status (again, once stopped).
  exit_status stop();

  const std::string& mqtt_host() const { return settings_.mqtt_host; }
  std::uint16_t mqtt_port() const { return mqtt_port_; }
  // The port of the first listener of this scheme ("mqtts"), from the start-up log; 0 if none.
  std::uint16_t listener_port(std::string_view scheme) const;
  // The port of the listener configured with this URL ("mqtt://127.0.0.2:0"); 0 if none.
  std::uint16_t listener_port_of(std::string_view url) const;
  const std::string& admin_url() const { return admin_url_; }
  std::uint16_t admin_port() const { return admin_port_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path data_dir() const { return dir_ / "data"; }
  std::filesystem::path password_file() const { return dir_ / "passwords"; }
  std::filesystem::path acl_file() const { return dir_ / "acl"; }
  std::string token() const;
  std::string log() const;

 private:
  daemon_settings settings_;
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  exit_status last_exit_;
  std::uint16_t mqtt_port_ = 0;
  std::uint16_t admin_port_ = 0;
  std::string admin_url_;
};

struct ctl_result {
  exit_status status;
  std::string out;
  std::string err;

  int code() const { return status.exited ? status.code : -1; }
};

// Runs telemqctl with these arguments (bounded to 60 s).
ctl_result run_ctl(const std::filesystem::path& work_dir, const std::vector<std::string>& args);

std::string telemqctl_binary();
// The daemon: TELEMQ_BINARY, else the one this suite was built with.
std::string telemq_binary();

// "HTTP/1.1 200 OK ..." : the raw response to a GET with these headers, for what telemqctl does
// not show (status lines, headers, /metrics).
std::string http_get(std::uint16_t port, const std::string& target,
                     const std::string& extra_headers = "");

}  // namespace telemq::integration
