#pragma once
// One telemq process for one test: its own folder, a port picked for it on 127.0.0.1, its
// output in a log file. Started by the constructor, stopped by the destructor.
#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace telemq::security_test {

struct daemon_options {
  std::string config_toml;  // written to telemq.toml and given with --config when not empty
  std::vector<std::string> extra_args;
  std::string durability = "memory";
  // The daemon's RLIMIT_NOFILE soft limit; the test process's limit when not given.
  std::optional<rlim_t> open_files_limit;
  std::vector<std::string> environment;  // NAME=VALUE added to the test's environment
};

class telemq_daemon {
 public:
  // Throws std::runtime_error, with the daemon's output, when it does not start listening.
  explicit telemq_daemon(daemon_options options = {});
  ~telemq_daemon();
  telemq_daemon(const telemq_daemon&) = delete;
  telemq_daemon& operator=(const telemq_daemon&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::filesystem::path& dir() const { return dir_; }
  bool alive();
  // VmRSS from /proc/PID/status, in KiB; 0 when it cannot be read.
  std::size_t rss_kib() const;
  std::string log() const;
  void send_signal(int signal) const;

  // The telemq executable: TELEMQ_BINARY, else the one this test was built with.
  static std::string binary();
  // Runs `telemq ARGS...` to completion (30 s at most); its exit code, -1 when it did not exit.
  static int run_command(const std::vector<std::string>& args, const std::filesystem::path& log);

 private:
  bool start(const daemon_options& options, std::string& why);
  void stop();

  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace telemq::security_test
