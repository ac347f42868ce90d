#pragma once
// Helpers for the auth tests: a private temporary folder, running the Mosquitto tools that the
// interoperability tests compare against, and a bare MQTT 3.1.1 CONNECT over a socket.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace telemq::auth::testing {

class temp_dir {
 public:
  temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "telemq-auth-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

inline bool executable(const std::filesystem::path& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

// Starts argv[0] with the given arguments; stdout and stderr go to log.
inline pid_t spawn(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = -1;
  const int failed = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return failed == 0 ? pid : -1;
}

// Runs to completion, at most 30 s; the exit code, or -1 when it did not exit normally.
inline int run(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  const pid_t pid = spawn(argv, log);
  if (pid < 0) {
    return -1;
  }
  int status = 0;
  for (int i = 0; i < 3000; ++i) {
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

// A port nobody listens on right now (the kernel picks it; a race with other programs is
// possible but unlikely on a test machine).
inline std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  ::close(fd);
  return ntohs(addr.sin_port);
}

inline int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends an MQTT 3.1.1 CONNECT with a username and password and returns the CONNACK return
// code, or nothing when no CONNACK came within 10 s.
inline std::optional<int> connack_code(std::uint16_t port, const std::string& user,
                                       const std::string& password) {
  const int fd = connect_to(port);
  if (fd < 0) {
    return std::nullopt;
  }
  std::vector<std::uint8_t> body = {0, 4, 'M', 'Q', 'T', 'T', 4, 0xC2, 0, 30};
  const auto add_string = [&body](const std::string& s) {
    body.push_back(static_cast<std::uint8_t>(s.size() >> 8));
    body.push_back(static_cast<std::uint8_t>(s.size() & 0xFF));
    body.insert(body.end(), s.begin(), s.end());
  };
  add_string("auth-test");
  add_string(user);
  add_string(password);
  std::vector<std::uint8_t> packet = {0x10, static_cast<std::uint8_t>(body.size())};
  packet.insert(packet.end(), body.begin(), body.end());
  std::optional<int> code;
  if (::send(fd, packet.data(), packet.size(), MSG_NOSIGNAL) ==
      static_cast<ssize_t>(packet.size())) {
    std::uint8_t reply[4] = {};
    std::size_t got = 0;
    pollfd p{fd, POLLIN, 0};
    while (got < 4 && ::poll(&p, 1, 10'000) == 1) {
      const ssize_t n = ::recv(fd, reply + got, sizeof reply - got, 0);
      if (n <= 0) {
        break;
      }
      got += static_cast<std::size_t>(n);
    }
    if (got == 4 && reply[0] == 0x20 && reply[1] == 2) {
      code = reply[3];
    }
  }
  ::close(fd);
  return code;
}

// A mosquitto broker on a private port, with the given configuration lines, for as long as the
// object lives.
class mosquitto_broker {
 public:
  static constexpr const char* program = "/usr/sbin/mosquitto";

  mosquitto_broker(const temp_dir& dir, const std::string& config_lines) {
    port_ = free_port();
    const auto conf = dir / "mosquitto.conf";
    // Running as root, mosquitto would switch to its own user, which cannot read our files.
    write_text(conf, std::string(::geteuid() == 0 ? "user root\n" : "") + "listener " +
                         std::to_string(port_) + " 127.0.0.1\n" + config_lines);
    log_ = dir / "mosquitto.log";
    pid_ = spawn({program, "-c", conf.string()}, log_);
    for (int i = 0; i < 500 && pid_ > 0; ++i) {
      if (const int fd = connect_to(port_); fd >= 0) {
        ::close(fd);
        ready_ = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~mosquitto_broker() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  mosquitto_broker(const mosquitto_broker&) = delete;
  mosquitto_broker& operator=(const mosquitto_broker&) = delete;

  bool ready() const { return ready_; }
  std::uint16_t port() const { return port_; }
  std::string log() const { return read_text(log_); }

 private:
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  bool ready_ = false;
  std::filesystem::path log_;
};

}  // namespace telemq::auth::testing
