#include "admin_daemon.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <thread>

#include "broker/auth/password_file.hpp"
#include "fixture/broker_process.hpp"

namespace telemq::integration {
namespace {

using namespace std::chrono_literals;

std::string environment_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

// The port of the HOST:PORT after `before` on the first line holding `marker`.
std::optional<std::uint16_t> port_after(const std::string& log, std::string_view marker,
                                        std::string_view before) {
  const auto line = log.find(marker);
  if (line == std::string::npos) {
    return std::nullopt;
  }
  const auto at = log.find(before, line);
  const auto end = log.find_first_of(" \n", at + before.size());
  if (at == std::string::npos || at > log.find('\n', line) || end == std::string::npos) {
    return std::nullopt;
  }
  const auto colon = log.rfind(':', end);
  return static_cast<std::uint16_t>(std::stoi(log.substr(colon + 1, end - colon - 1)));
}

}  // namespace

std::string telemq_binary() {
#ifdef TELEMQ_DEFAULT_BINARY
  return environment_or("TELEMQ_BINARY", TELEMQ_DEFAULT_BINARY);
#else
  return environment_or("TELEMQ_BINARY", "telemq");
#endif
}

std::string telemqctl_binary() {
#ifdef TELEMQCTL_DEFAULT_BINARY
  return environment_or("TELEMQCTL_BINARY", TELEMQCTL_DEFAULT_BINARY);
#else
  return environment_or("TELEMQCTL_BINARY", "telemqctl");
#endif
}

admin_daemon::admin_daemon(daemon_settings settings)
    : settings_(std::move(settings)), dir_(make_temp_dir("telemq-admin")) {}

admin_daemon::~admin_daemon() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string admin_daemon::start() {
  std::ofstream config(dir_ / "telemq.toml");
  config << "data_dir = \"" << data_dir().string() << "\"\n"
         << "log_level = \"debug\"\n\n"
         << "[[listener]]\nurl = \"mqtt://" << settings_.mqtt_host << ":0\"\n"
         << "allow_anonymous = " << (settings_.allow_anonymous ? "true" : "false") << "\n"
         << settings_.listener_toml << "\n"
         << "[admin]\nlisten = \"http://127.0.0.1:0\"\nsys_interval = " << settings_.sys_interval
         << "\n\n";
  if (!settings_.users.empty() || !settings_.acl.empty()) {
    config << "[auth]\n";
  }
  if (!settings_.users.empty()) {
    auth::password_file passwords;
    for (const auto& [user, password] : settings_.users) {
      passwords.set_password(user, password);
    }
    passwords.save(password_file());
    config << "password_file = \"" << password_file().string() << "\"\n";
  }
  if (!settings_.acl.empty()) {
    std::ofstream(acl_file(), std::ios::binary) << settings_.acl;
    config << "acl_file = \"" << acl_file().string() << "\"\n";
  }
  config << "\n";
  config << settings_.extra_toml;
  config.close();

  std::string error;
  pid_ = spawn_process({telemq_binary(), "--config", (dir_ / "telemq.toml").string()},
                       dir_ / "broker.log", dir_ / "broker.log", error);
  if (pid_ < 0) {
    return error;
  }
  // Both ports come from the start-up log: the kernel picked them.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = log();
    mqtt_port_ = listener_port("mqtt");
    if (const auto port = port_after(text, "event=admin_listening", " url=")) {
      admin_port_ = *port;
      admin_url_ = "http://127.0.0.1:" + std::to_string(admin_port_);
    }
    if (mqtt_port_ != 0 && admin_port_ != 0) {
      return {};
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return "telemq exited at start (" + decode_wait_status(status).describe() + "):\n" + text;
    }
    std::this_thread::sleep_for(20ms);
  }
  return "telemq did not report both listeners within 30 s:\n" + log();
}

exit_status admin_daemon::stop() {
  if (pid_ < 0) {
    return last_exit_;
  }
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  int status = 0;
  bool killed = false;
  while (::waitpid(pid_, &status, WNOHANG) != pid_) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      killed = true;
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  pid_ = -1;
  last_exit_ = decode_wait_status(status);
  last_exit_.killed_after_timeout = killed;
  return last_exit_;
}

std::uint16_t admin_daemon::listener_port(std::string_view scheme) const {
  const std::string marker = "event=listening url=" + std::string(scheme) + "://";
  return port_after(log(), marker, " address=").value_or(0);
}

std::uint16_t admin_daemon::listener_port_of(std::string_view url) const {
  const std::string marker = "event=listening url=" + std::string(url) + " ";
  return port_after(log(), marker, " address=").value_or(0);
}

std::string admin_daemon::token() const {
  std::string text = read_file(data_dir() / "admin.token");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

std::string admin_daemon::log() const {
  return read_file(dir_ / "broker.log");
}

ctl_result run_ctl(const std::filesystem::path& work_dir, const std::vector<std::string>& args) {
  static std::atomic<int> serial{0};
  const auto n = std::to_string(serial++);
  const auto out = work_dir / ("ctl-" + n + ".out");
  const auto err = work_dir / ("ctl-" + n + ".err");
  std::vector<std::string> argv = {telemqctl_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  ctl_result r;
  r.status = run_to_completion(argv, out, err, 60s);
  r.out = read_file(out);
  r.err = read_file(err);
  return r;
}

std::string http_get(std::uint16_t port, const std::string& target,
                     const std::string& extra_headers) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return {};
  }
  const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers +
                              "Connection: close\r\n\r\n";
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string response;
  char buffer[4096];
  while (true) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      break;
    }
    response.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return response;
}

}  // namespace telemq::integration
