// Clients that try to exhaust the broker's descriptors or memory. The broker must stay within
// its limits and keep serving everyone else.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

#include "raw_connection.hpp"
#include "telemq_daemon.hpp"

namespace telemq::security_test {
namespace {

using namespace std::chrono_literals;
using wire::version;

constexpr std::size_t half_open_count = 5000;

std::string limits_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("Max open files")) {
      return line;
    }
  }
  return "(unknown)";
}

// Opens a TCP connection and sends nothing; -1 when the connect fails or takes over 5 s (the
// listen backlog is full).
int open_silent(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  const timeval bound{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof bound);
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

class descriptors {
 public:
  descriptors() = default;
  ~descriptors() { close_all(); }
  descriptors(const descriptors&) = delete;
  descriptors& operator=(const descriptors&) = delete;

  void close_all() {
    for (const int fd : fds) {
      ::close(fd);
    }
    fds.clear();
  }
  std::vector<int> fds;
};

void half_open_connections_leave_room_for_others(std::optional<rlim_t> broker_limit) {
  // Connect timeout above the time the test needs to open them all, so they are all held open
  // at once when the well-behaved client arrives.
  telemq_daemon broker(
      {.config_toml = "[limits]\nconnect_timeout = 60\n", .open_files_limit = broker_limit});
  rlimit own{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &own), 0);
  if (own.rlim_max < half_open_count + 100) {
    GTEST_SKIP() << "the hard limit on open files (" << own.rlim_max << ") is below "
                 << half_open_count + 100 << "; raise it to run this test";
  }
  own.rlim_cur = own.rlim_max;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &own), 0);

  descriptors silent;
  for (std::size_t i = 0; i < half_open_count; ++i) {
    const int fd = open_silent(broker.port());
    ASSERT_GE(fd, 0) << "connection " << i << ": " << std::strerror(errno);
    silent.fds.push_back(fd);
  }
  ASSERT_TRUE(broker.alive()) << broker.log();
  {
    raw_connection good(broker.port());
    EXPECT_EQ(good.handshake({.client_id = "while-flooded"}), 0)
        << "with " << half_open_count << " half-open connections held; the broker's "
        << limits_of(broker.pid()) << "\n"
        << broker.log().substr(0, 4000);
  }
  silent.close_all();
  ASSERT_TRUE(broker.alive()) << broker.log();
  raw_connection after(broker.port());
  EXPECT_EQ(after.handshake({.client_id = "after-the-flood"}), 0) << broker.log().substr(0, 4000);
}

TEST(ResourceExhaustion, FiveThousandHalfOpenConnections) {
  half_open_connections_leave_room_for_others(std::nullopt);
}

// The soft limit most distributions give a process started from a shell or a plain systemd
// unit. A daemon expected to hold thousands of devices must raise it (or say it cannot).
TEST(ResourceExhaustion, FiveThousandHalfOpenConnectionsUnderTheCommonDefaultFdLimit) {
  half_open_connections_leave_room_for_others(1024);
}

TEST(ResourceExhaustion, SubscriberThatNeverReadsDoesNotStallOthersOrGrowMemory) {
  // ASan keeps freed memory in quarantine (256 MB by default), which would count in RSS.
  telemq_daemon broker({.environment = {"ASAN_OPTIONS=quarantine_size_mb=8:detect_leaks=0"}});
  constexpr std::size_t payload_size = 4096;
  constexpr std::size_t batch = 250;
  constexpr std::size_t batches = 256;  // 256 MB in all: more than the bound, if it were kept
  constexpr std::size_t rss_bound_kib = 200 * 1024;

  raw_connection stuck(broker.port(), 4096);
  ASSERT_EQ(stuck.handshake({.client_id = "never-reads"}), 0);
  stuck.send(wire::subscribe(1, "flood/#", 0, version::v311));

  raw_connection reader(broker.port());
  ASSERT_EQ(reader.handshake({.client_id = "keeps-reading"}), 0);
  reader.send(wire::subscribe(1, "flood/#", 0, version::v311));
  const auto suback = reader.read_packet();
  ASSERT_TRUE(suback && suback->type() == wire::suback);

  std::atomic<std::size_t> received{0};
  std::atomic<bool> done{false};
  std::thread reading([&] {
    while (!done) {
      const auto p = reader.read_packet(1s);
      if (p && p->type() == wire::publish_type) {
        ++received;
      }
    }
  });

  raw_connection publisher(broker.port());
  ASSERT_EQ(publisher.handshake({.client_id = "floods"}), 0);
  const auto one = wire::publish("flood/data", std::string(payload_size, 'x'), 0, 0, version::v311);
  std::vector<std::uint8_t> burst;
  for (std::size_t i = 0; i < batch; ++i) {
    burst.insert(burst.end(), one.begin(), one.end());
  }
  std::size_t max_rss = 0;
  bool kept_up = true;
  for (std::size_t b = 0; b < batches && kept_up; ++b) {
    ASSERT_TRUE(publisher.send(burst)) << broker.log();
    // The reader gets every message of the batch at its own pace before the next one goes.
    const auto deadline = std::chrono::steady_clock::now() + bounded_wait;
    while (received < (b + 1) * batch && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
    kept_up = received >= (b + 1) * batch;
    max_rss = std::max(max_rss, broker.rss_kib());
  }
  done = true;
  reading.join();
  EXPECT_TRUE(kept_up) << "the reading subscriber got " << received << " of " << batches * batch
                       << " messages";
  EXPECT_LT(max_rss, rss_bound_kib) << "broker RSS peaked at " << max_rss / 1024 << " MB";
  RecordProperty("max_rss_kib", static_cast<int>(max_rss));
  ASSERT_TRUE(broker.alive()) << broker.log();
  raw_connection after(broker.port());
  EXPECT_EQ(after.handshake({.client_id = "after"}), 0);
}

}  // namespace
}  // namespace telemq::security_test
