#include "telemq_daemon.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <thread>

extern char** environ;

namespace telemq::security_test {
namespace {

using namespace std::chrono_literals;

constexpr int start_attempts = 5;
constexpr auto start_timeout = 20s;

std::uint16_t unused_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

bool accepts_connections(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// fork and exec with stdout and stderr appended to log; only async-signal-safe calls between
// the two.
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
            const std::filesystem::path& log, std::optional<rlim_t> open_files) {
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  std::vector<std::string> env_storage = extra_env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const auto name = entry.substr(0, entry.find('=') + 1);
    const bool replaced = std::any_of(extra_env.begin(), extra_env.end(),
                                      [&](const std::string& x) { return x.starts_with(name); });
    if (!replaced) {
      env_storage.emplace_back(entry);
    }
  }
  std::vector<char*> env;
  for (auto& e : env_storage) {
    env.push_back(e.data());
  }
  env.push_back(nullptr);
  const std::string log_path = log.string();
  rlimit limit{};
  if (open_files) {
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = std::min(*open_files, limit.rlim_max);
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    const int null = ::open("/dev/null", O_RDONLY);
    if (fd < 0 || null < 0 || ::dup2(fd, 1) < 0 || ::dup2(fd, 2) < 0 || ::dup2(null, 0) < 0) {
      ::_exit(126);
    }
    if (open_files && ::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      ::_exit(126);
    }
    ::execve(args[0], args.data(), env.data());
    ::_exit(127);
  }
  return pid;
}

}  // namespace

std::string telemq_daemon::binary() {
  if (const char* path = std::getenv("TELEMQ_BINARY"); path != nullptr && *path != '\0') {
    return path;
  }
  return TELEMQ_DEFAULT_BINARY;
}

int telemq_daemon::run_command(const std::vector<std::string>& args,
                               const std::filesystem::path& log) {
  std::vector<std::string> argv{binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = spawn(argv, {}, log, std::nullopt);
  if (pid < 0) {
    return -1;
  }
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(10ms);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

telemq_daemon::telemq_daemon(daemon_options options) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "telemq-security-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  dir_ = pattern;
  std::string why;
  for (int attempt = 0; attempt < start_attempts; ++attempt) {
    if (start(options, why)) {
      return;
    }
  }
  const std::string output = log();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
  throw std::runtime_error("telemq did not start: " + why + "\n" + output);
}

telemq_daemon::~telemq_daemon() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

bool telemq_daemon::start(const daemon_options& options, std::string& why) {
  port_ = unused_port();
  std::vector<std::string> argv{binary(),
                                "--listen",
                                "mqtt://127.0.0.1:" + std::to_string(port_),
                                "--data-dir",
                                (dir_ / "data").string(),
                                "--durability",
                                options.durability,
                                "--admin-listen",
                                "off"};
  if (!options.config_toml.empty()) {
    const auto config = dir_ / "telemq.toml";
    std::ofstream(config) << options.config_toml;
    argv.push_back("--config");
    argv.push_back(config.string());
  }
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  pid_ = spawn(argv, options.environment, dir_ / "telemq.log", options.open_files_limit);
  if (pid_ < 0) {
    why = std::string("fork failed: ") + std::strerror(errno);
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!alive()) {
      // Most likely someone took the port between our pick and its bind: try another.
      why = "it exited during start-up";
      return false;
    }
    if (accepts_connections(port_)) {
      return true;
    }
    std::this_thread::sleep_for(20ms);
  }
  why = "it was not listening after 20 s";
  stop();
  return false;
}

void telemq_daemon::stop() {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(10ms);
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

bool telemq_daemon::alive() {
  if (pid_ <= 0) {
    return false;
  }
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::size_t telemq_daemon::rss_kib() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) {
      return std::strtoull(line.c_str() + 6, nullptr, 10);
    }
  }
  return 0;
}

std::string telemq_daemon::log() const {
  return read_all(dir_ / "telemq.log");
}

void telemq_daemon::send_signal(int signal) const {
  if (pid_ > 0) {
    ::kill(pid_, signal);
  }
}

}  // namespace telemq::security_test
