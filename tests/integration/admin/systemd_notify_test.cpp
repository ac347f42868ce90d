// sd_notify against the real daemon: a test plays systemd's part with a unix datagram socket
// named by NOTIFY_SOCKET, starts telemq and checks what it reports: READY=1 only once its
// listeners accept connections, RELOADING=1 and READY=1 around a reload (SIGHUP or POST
// /api/v1/reload), WATCHDOG=1 at half of WATCHDOG_USEC, and STOPPING=1 on SIGTERM.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "admin_daemon.hpp"
#include "fixture/broker_process.hpp"
#include "fixture/raw_client.hpp"

namespace telemq::integration {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// Long enough for a sanitizer build on a busy machine.
constexpr auto bounded_wait = 30s;

// What systemd listens on: a datagram socket at a path, or at an abstract name ("@name").
class notify_socket {
 public:
  explicit notify_socket(std::string name) : name_(std::move(name)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name_.data(), name_.size());
    if (name_[0] == '@') {
      address.sun_path[0] = '\0';
    }
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
    bound_ = fd_ >= 0 && name_.size() < sizeof address.sun_path &&
             ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0;
  }
  ~notify_socket() {
    ::close(fd_);
    if (name_[0] == '/') {
      ::unlink(name_.c_str());
    }
  }
  notify_socket(const notify_socket&) = delete;
  notify_socket& operator=(const notify_socket&) = delete;

  bool bound() const { return bound_; }
  const std::string& name() const { return name_; }

  // The next datagram within timeout; nothing when none came.
  std::optional<std::string> receive(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) {
      return std::nullopt;
    }
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0) {
      return std::nullopt;
    }
    return std::string(buffer, static_cast<std::size_t>(n));
  }

  // Receives until a datagram starting with state arrives (true) or timeout passes; every
  // datagram but WATCHDOG=1 is kept in seen(), in order.
  bool wait_for(std::string_view state, std::chrono::milliseconds timeout = bounded_wait) {
    const auto deadline = clock_type::now() + timeout;
    while (clock_type::now() < deadline) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
      const auto message = receive(std::max(left, 1ms));
      if (!message) {
        continue;
      }
      if (*message == "WATCHDOG=1") {
        ++watchdog_pings_;
        if (state != "WATCHDOG=1") {
          continue;
        }
        return true;
      }
      seen_.push_back(*message);
      if (message->starts_with(state)) {
        return true;
      }
    }
    return false;
  }

  const std::vector<std::string>& seen() const { return seen_; }
  int watchdog_pings() const { return watchdog_pings_; }

 private:
  std::string name_;
  int fd_ = -1;
  bool bound_ = false;
  std::vector<std::string> seen_;
  int watchdog_pings_ = 0;
};

// The port in "event=listening url=mqtt://127.0.0.1:0 address=127.0.0.1:PORT"; 0 if absent.
std::uint16_t listening_port(const std::string& log) {
  const std::string marker = "event=listening url=mqtt://127.0.0.1:0 address=127.0.0.1:";
  const auto at = log.find(marker);
  return at == std::string::npos
             ? 0
             : static_cast<std::uint16_t>(std::stoi(log.substr(at + marker.size())));
}

class SystemdNotify : public ::testing::Test {
 protected:
  SystemdNotify() : dir(make_temp_dir("telemq-notify")) {}
  ~SystemdNotify() override {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  void start(const std::string& notify_name, std::vector<std::string> environment = {},
             const std::string& admin_listen = "off") {
    environment.push_back("NOTIFY_SOCKET=" + notify_name);
    std::string error;
    pid = spawn_process({telemq_binary(), "--listen", "mqtt://127.0.0.1:0", "--data-dir",
                         (dir / "data").string(), "--admin-listen", admin_listen},
                        dir / "telemq.log", dir / "telemq.log", error, environment);
    ASSERT_GT(pid, 0) << error;
  }

  std::string log() const { return read_file(dir / "telemq.log"); }

  // SIGTERM, then the exit status (SIGKILL after the bound).
  exit_status stop() {
    ::kill(pid, SIGTERM);
    int status = 0;
    const auto deadline = clock_type::now() + bounded_wait;
    while (::waitpid(pid, &status, WNOHANG) != pid) {
      if (clock_type::now() >= deadline) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(10ms);
    }
    pid = -1;
    return decode_wait_status(status);
  }

  // READY=1, then at once: the port must already take MQTT clients.
  void expect_ready_and_serving(notify_socket& systemd) {
    ASSERT_TRUE(systemd.wait_for("READY=1")) << log();
    const auto port = listening_port(log());
    ASSERT_NE(port, 0) << "READY=1 came before the listener was reported:\n" << log();
    raw_client client;
    ASSERT_TRUE(client.open(port)) << client.error();
    const auto connack = client.handshake({.client_id = "after-ready"}, 10s);
    ASSERT_TRUE(connack) << log();
    EXPECT_EQ(connack->code, 0);
  }

  std::filesystem::path dir;
  pid_t pid = -1;
};

TEST_F(SystemdNotify, ReadyOnceListeningReloadingAroundSighupStoppingOnSigterm) {
  notify_socket systemd((dir / "notify.sock").string());
  ASSERT_TRUE(systemd.bound()) << std::strerror(errno);
  start(systemd.name());
  expect_ready_and_serving(systemd);
  EXPECT_EQ(systemd.seen(), std::vector<std::string>{"READY=1"}) << "nothing before READY=1";

  ::kill(pid, SIGHUP);
  ASSERT_TRUE(systemd.wait_for("RELOADING=1")) << log();
  EXPECT_TRUE(systemd.seen().back().starts_with("RELOADING=1\nMONOTONIC_USEC="))
      << systemd.seen().back();
  EXPECT_TRUE(systemd.wait_for("READY=1")) << log();

  const auto status = stop();
  EXPECT_TRUE(systemd.wait_for("STOPPING=1", 1s)) << log();
  EXPECT_TRUE(status.clean()) << status.describe() << "\n" << log();
  EXPECT_EQ(systemd.seen().size(), 4U);
  EXPECT_EQ(systemd.watchdog_pings(), 0) << "no WATCHDOG_USEC, no watchdog";
}

TEST_F(SystemdNotify, AReloadThroughTheAdminApiIsAnnouncedLikeSighup) {
  notify_socket systemd((dir / "notify.sock").string());
  ASSERT_TRUE(systemd.bound()) << std::strerror(errno);
  start(systemd.name(), {}, "http://127.0.0.1:0");
  ASSERT_TRUE(systemd.wait_for("READY=1")) << log();
  const std::string marker = "event=admin_listening url=";
  const auto at = log().find(marker);
  ASSERT_NE(at, std::string::npos) << log();
  const std::string url =
      log().substr(at + marker.size(), log().find(' ', at + marker.size()) - at - marker.size());

  const auto reload = run_ctl(dir, {"--url", url, "--data-dir", (dir / "data").string(), "reload"});
  ASSERT_EQ(reload.code(), 0) << reload.err << log();
  EXPECT_EQ(reload.out, "reloaded\n");
  // The answer comes after READY=1 was sent: both are waiting on the socket already.
  ASSERT_TRUE(systemd.wait_for("RELOADING=1", 1s)) << log();
  EXPECT_TRUE(systemd.seen().back().starts_with("RELOADING=1\nMONOTONIC_USEC="))
      << systemd.seen().back();
  EXPECT_TRUE(systemd.wait_for("READY=1", 1s)) << log();
  EXPECT_EQ(systemd.seen().size(), 3U);
  EXPECT_NE(log().find("event=reloaded"), std::string::npos) << log();
  EXPECT_TRUE(stop().clean()) << log();
}

TEST_F(SystemdNotify, AnAbstractSocketNameIsUsed) {
  const std::string name = "@telemq-test-" + std::to_string(::getpid()) + "-" +
                           std::to_string(clock_type::now().time_since_epoch().count());
  notify_socket systemd(name);
  ASSERT_TRUE(systemd.bound()) << std::strerror(errno);
  start(name);
  expect_ready_and_serving(systemd);
  const auto status = stop();
  EXPECT_TRUE(systemd.wait_for("STOPPING=1", 1s)) << log();
  EXPECT_TRUE(status.clean()) << status.describe();
}

TEST_F(SystemdNotify, WatchdogPingsComeAtHalfTheInterval) {
  notify_socket systemd((dir / "notify.sock").string());
  ASSERT_TRUE(systemd.bound()) << std::strerror(errno);
  // 400 ms: a ping every 200 ms.
  start(systemd.name(), {"WATCHDOG_USEC=400000"});
  ASSERT_TRUE(systemd.wait_for("READY=1")) << log();
  const auto first = systemd.watchdog_pings();
  const auto since = clock_type::now();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(systemd.wait_for("WATCHDOG=1", 2s)) << "ping " << i << "\n" << log();
  }
  // Five pings take four or five intervals: about a second. Much less would be pinging faster
  // than asked; much more, pinging too late for systemd.
  const auto took = clock_type::now() - since;
  EXPECT_GE(took, 600ms) << "pinged faster than every 200 ms";
  EXPECT_LE(took, 4s);
  EXPECT_GE(systemd.watchdog_pings() - first, 5);
  EXPECT_TRUE(stop().clean()) << log();

  // A watchdog meant for another process (WATCHDOG_PID) is not ours to feed.
  notify_socket other((dir / "other.sock").string());
  start(other.name(), {"WATCHDOG_USEC=200000", "WATCHDOG_PID=1"});
  ASSERT_TRUE(other.wait_for("READY=1")) << log();
  EXPECT_FALSE(other.wait_for("WATCHDOG=1", 1s));
  EXPECT_TRUE(stop().clean()) << log();
}

}  // namespace
}  // namespace telemq::integration
