// tcp_listener and tcp_stream on real loopback sockets, with the fake engine in the core's place.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <string>
#include <vector>

#include "broker/net/connection_set.hpp"
#include "broker/net/listener_config.hpp"
#include "broker/net/listener_limits.hpp"
#include "broker/net/stream_connection.hpp"
#include "broker/net/tcp_listener.hpp"
#include "broker/net/tcp_stream.hpp"
#include "net_test_support.hpp"

namespace telemq::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
using testing::append;
using testing::echo;
using testing::fake_engine;
using testing::run_until;

// Without TCP_DEFER_ACCEPT unless a test asks for it: most tests connect without sending and
// expect the broker to see the connection at once.
listener_config accepting_at_once(const std::string& url) {
  auto config = parse_listener_url(url);
  config.defer_accept = 0;
  return config;
}

class TcpLoopback : public ::testing::Test {
 protected:
  tcp_listener& listen(const std::string& url) { return listen(accepting_at_once(url)); }

  tcp_listener& listen(const listener_config& config) {
    listener_ = std::make_unique<tcp_listener>(
        io_, set_, config,
        [this](core::log_level, std::string_view line) { log_lines_.emplace_back(line); },
        [this](accepted_socket socket, core::connection_info info) {
          auto connection = std::make_shared<stream_connection<tcp_stream, fake_engine>>(
              tcp_stream(io_, std::move(socket)), set_);
          connection->start(engine_, std::move(info), std::chrono::seconds(10));
        });
    return *listener_;
  }

  tcp::endpoint endpoint() const { return listener_->local_endpoints().at(0); }

  // A blocking client; the connect completes from the listen backlog.
  tcp::socket connect() {
    tcp::socket client(client_io_);
    client.connect(endpoint());
    return client;
  }

  // Whether the broker side closed the client's connection (end of file or reset).
  bool closed_by_peer(tcp::socket& client) { return testing::closed_by_peer(io_, client); }

  std::string read_exactly(tcp::socket& client, std::size_t n) {
    EXPECT_TRUE(run_until(io_, [&] { return client.available() >= n; }));
    std::string out(n, '\0');
    asio::read(client, asio::buffer(out));
    return out;
  }

  asio::io_context io_;
  asio::io_context client_io_;
  connection_set set_{io_, nullptr};
  fake_engine engine_;
  std::vector<std::string> log_lines_;
  std::unique_ptr<tcp_listener> listener_;
};

std::size_t lines_with(const std::vector<std::string>& lines, std::string_view needle) {
  return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](const auto& l) {
    return l.find(needle) != std::string::npos;
  }));
}

// Lowers the soft limit on open files so that the next descriptor cannot be opened; restores it
// when destroyed.
class descriptors_exhausted {
 public:
  descriptors_exhausted() {
    ::getrlimit(RLIMIT_NOFILE, &saved_);
    const int lowest_free = ::dup(0);
    ::close(lowest_free);
    rlimit lowered = saved_;
    lowered.rlim_cur = static_cast<rlim_t>(lowest_free);
    ok_ = lowest_free >= 0 && ::setrlimit(RLIMIT_NOFILE, &lowered) == 0;
  }
  ~descriptors_exhausted() { ::setrlimit(RLIMIT_NOFILE, &saved_); }
  descriptors_exhausted(const descriptors_exhausted&) = delete;
  descriptors_exhausted& operator=(const descriptors_exhausted&) = delete;

  bool ok() const { return ok_; }

 private:
  rlimit saved_{};
  bool ok_ = false;
};

TEST_F(TcpLoopback, BytesReachTheCoreAndItsOutputReachesThePeer) {
  engine_.on_bytes_script = echo;
  listen("mqtt://127.0.0.1:0");
  auto client = connect();
  asio::write(client, asio::buffer(std::string("hello")));
  EXPECT_EQ(read_exactly(client, 5), "hello");

  ASSERT_EQ(engine_.infos.size(), 1u);
  EXPECT_EQ(engine_.infos[0].remote_address,
            "127.0.0.1:" + std::to_string(client.local_endpoint().port()));
  EXPECT_EQ(engine_.infos[0].listener, "mqtt://127.0.0.1:0");
  EXPECT_TRUE(engine_.infos[0].allow_anonymous);
}

TEST_F(TcpLoopback, AcceptedSocketsAreNonBlockingWithNoDelay) {
  bool no_delay = false;
  bool non_blocking = false;
  tcp_listener listener(io_, set_, accepting_at_once("mqtt://127.0.0.1:0"), nullptr,
                        [&](accepted_socket socket, core::connection_info) {
                          int value = 0;
                          socklen_t length = sizeof(value);
                          ::getsockopt(socket.descriptor(), IPPROTO_TCP, TCP_NODELAY, &value,
                                       &length);
                          no_delay = value != 0;
                          non_blocking = (::fcntl(socket.descriptor(), F_GETFL) & O_NONBLOCK) != 0;
                        });
  tcp::socket client(client_io_);
  client.connect(listener.local_endpoints().at(0));
  ASSERT_TRUE(run_until(io_, [&] { return no_delay; }));
  EXPECT_TRUE(non_blocking);
}

TEST_F(TcpLoopback, LargeOutputArrivesWhole) {
  const std::string big(1024 * 1024, 'm');
  engine_.on_bytes_script = [&](core::link& link, std::span<const std::uint8_t>) {
    append(link, big);
    link.flush();
  };
  listen("mqtt://127.0.0.1:0");
  auto client = connect();
  asio::write(client, asio::buffer(std::string("go")));
  std::string received;
  ASSERT_TRUE(run_until(io_, [&] {
    std::array<char, 65536> chunk;
    while (client.available() > 0) {
      received.append(chunk.data(), client.read_some(asio::buffer(chunk)));
    }
    return received.size() == big.size();
  }));
  EXPECT_EQ(received, big);
  // The write's completion may run after the last bytes reached the peer.
  EXPECT_TRUE(run_until(io_, [&] { return engine_.logs[0]->writable_calls >= 1; }));
}

TEST_F(TcpLoopback, PeerCloseReachesTheCoreOnce) {
  listen("mqtt://127.0.0.1:0");
  auto client = connect();
  ASSERT_TRUE(run_until(io_, [&] { return !engine_.infos.empty(); }));
  client.close();
  ASSERT_TRUE(run_until(io_, [&] { return engine_.logs[0]->closed_calls == 1; }));
  EXPECT_EQ(set_.size(), 0u);
  io_.restart();
  io_.poll();
  EXPECT_EQ(engine_.logs[0]->closed_calls, 1);
}

TEST_F(TcpLoopback, CloseFromTheCoreDeliversTheLastBytesThenEnds) {
  engine_.on_bytes_script = [](core::link& link, std::span<const std::uint8_t>) {
    const std::string goodbye = "goodbye";
    append(link, goodbye);
    link.flush();
    link.close();
  };
  listen("mqtt://127.0.0.1:0");
  auto client = connect();
  asio::write(client, asio::buffer(std::string("x")));
  EXPECT_EQ(read_exactly(client, 7), "goodbye");

  // The broker shut its direction down: the client sees the end of the stream.
  boost::system::error_code ec;
  ASSERT_TRUE(run_until(io_, [&] {
    std::array<char, 16> buffer;
    client.non_blocking(true);
    client.read_some(asio::buffer(buffer), ec);
    return ec == asio::error::eof;
  }));
  EXPECT_EQ(engine_.logs[0]->closed_calls, 0) << "waits for the client to close";
  client.close();
  ASSERT_TRUE(run_until(io_, [&] { return engine_.logs[0]->closed_calls == 1; }));
}

TEST_F(TcpLoopback, BusyPortIsOneClearError) {
  listen("mqtt://127.0.0.1:0");
  const auto port = std::to_string(endpoint().port());
  try {
    tcp_listener second(io_, set_, parse_listener_url("mqtt://127.0.0.1:" + port), nullptr,
                        [](accepted_socket, core::connection_info) {});
    FAIL() << "bound a busy port";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot listen on 127.0.0.1:" + port + ": Address already in use");
  }
}

TEST_F(TcpLoopback, ConnectionsBeyondTheLimitAreClosedAtOnce) {
  set_.set_max_connections(1);
  listen("mqtt://127.0.0.1:0");
  auto first = connect();
  ASSERT_TRUE(run_until(io_, [&] { return engine_.infos.size() == 1; }));
  auto second = connect();
  EXPECT_TRUE(closed_by_peer(second));
  EXPECT_EQ(engine_.infos.size(), 1u);
  EXPECT_EQ(set_.listeners().at(0).refused_for(refusal_reason::max_connections), 1u);
}

TEST_F(TcpLoopback, AListenerAtItsOwnLimitClosesNewConnectionsAtOnceAndCountsThem) {
  auto config = accepting_at_once("mqtt://127.0.0.1:0");
  config.max_connections = 1;
  listen(config);
  const listener_counters& counters = set_.listeners().at(0);
  EXPECT_EQ(counters.listener, "mqtt://127.0.0.1:0");
  auto first = connect();
  ASSERT_TRUE(run_until(io_, [&] { return engine_.infos.size() == 1; }));
  EXPECT_EQ(counters.open, 1u);
  auto second = connect();
  EXPECT_TRUE(closed_by_peer(second));
  EXPECT_EQ(engine_.infos.size(), 1u);
  EXPECT_EQ(counters.refused_for(refusal_reason::listener_max_connections), 1u);
  EXPECT_EQ(counters.refused_for(refusal_reason::max_connections), 0u);

  // The first one leaves: its place is free again.
  first.close();
  ASSERT_TRUE(run_until(io_, [&] { return counters.open == 0; }));
  auto third = connect();
  ASSERT_TRUE(run_until(io_, [&] { return engine_.infos.size() == 2; }));
  EXPECT_EQ(counters.open, 1u);
  EXPECT_EQ(counters.accepted, 2u);
}

TEST_F(TcpLoopback, ConnectionsFasterThanTheListenersRateAreClosedAtOnce) {
  auto config = accepting_at_once("mqtt://127.0.0.1:0");
  config.max_connection_rate = 1;  // a burst of one, then one a second
  listen(config);
  auto first = connect();
  ASSERT_TRUE(run_until(io_, [&] { return engine_.infos.size() == 1; }));
  auto second = connect();
  EXPECT_TRUE(closed_by_peer(second));
  EXPECT_EQ(set_.listeners().at(0).refused_for(refusal_reason::max_connection_rate), 1u);
  EXPECT_EQ(set_.listeners().at(0).open, 1u);
}

TEST(ConnectionRateLimiter, ABurstOfATenthOfASecondThenATokenEveryInterval) {
  using namespace std::chrono_literals;
  const connection_rate_limiter::clock::time_point t0{100s};
  connection_rate_limiter unlimited;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(unlimited.try_acquire(t0));
  }

  connection_rate_limiter rate(50);  // a token every 20 ms
  ASSERT_EQ(rate.burst(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(rate.try_acquire(t0)) << i;
  }
  EXPECT_FALSE(rate.try_acquire(t0));
  EXPECT_FALSE(rate.try_acquire(t0 + 19ms));
  EXPECT_TRUE(rate.try_acquire(t0 + 20ms));
  EXPECT_FALSE(rate.try_acquire(t0 + 20ms));
  // Idle for long: the bucket holds its burst again, no more.
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(rate.try_acquire(t0 + 10s)) << i;
  }
  EXPECT_FALSE(rate.try_acquire(t0 + 10s));

  EXPECT_EQ(connection_rate_limiter(1).burst(), 1u);
  EXPECT_EQ(connection_rate_limiter(10).burst(), 1u);
  EXPECT_EQ(connection_rate_limiter(11).burst(), 2u);
  EXPECT_EQ(connection_rate_limiter(1'000'000).burst(), 100'000u);
}

// The kernel completes the handshake but the broker is not woken until the client's first bytes
// (its CONNECT) are there to read with the accept.
TEST_F(TcpLoopback, ADeferredAcceptWaitsForTheClientsFirstBytes) {
  engine_.on_bytes_script = echo;
  auto config = parse_listener_url("mqtt://127.0.0.1:0");
  ASSERT_EQ(config.defer_accept, 1u) << "the default";
  listen(config);
  auto client = connect();
  // Less than the one second the kernel waits before its first SYN-ACK retransmission.
  EXPECT_FALSE(run_until(
      io_, [&] { return !engine_.infos.empty(); }, 300ms));
  asio::write(client, asio::buffer(std::string("hi")));
  EXPECT_EQ(read_exactly(client, 2), "hi");
  EXPECT_EQ(engine_.infos.size(), 1u);
}

TEST_F(TcpLoopback, ReloadTurnsTheDeferredAcceptOff) {
  auto config = parse_listener_url("mqtt://127.0.0.1:0");
  auto& listener = listen(config);
  config.defer_accept = 0;
  listener.reload(config);
  auto silent = connect();
  EXPECT_TRUE(run_until(
      io_, [&] { return engine_.infos.size() == 1; }, 500ms));
}

// Out of descriptors, the listener retries every 100 ms without flooding the log, and accepts
// the waiting client once a descriptor is free again.
TEST_F(TcpLoopback, OutOfDescriptorsTheListenerRetriesLoggingOnce) {
  listen("mqtt://127.0.0.1:0");
  tcp::socket client(client_io_);
  client.open(tcp::v4());
  {
    descriptors_exhausted exhausted;
    ASSERT_TRUE(exhausted.ok());
    client.connect(endpoint());
    EXPECT_FALSE(run_until(
        io_, [&] { return !engine_.infos.empty(); }, 600ms));
  }
  EXPECT_EQ(lines_with(log_lines_, "event=accept_failed"), 1u);
  EXPECT_EQ(lines_with(log_lines_, "error=\"Too many open files\" not_logged_since_last=0"), 1u);
  EXPECT_TRUE(run_until(io_, [&] { return engine_.infos.size() == 1; }));
}

TEST_F(TcpLoopback, StopClosesTheListeningSocket) {
  listen("mqtt://127.0.0.1:0");
  const auto at = endpoint();
  listener_->stop();
  io_.restart();
  io_.poll();
  tcp::socket client(client_io_);
  boost::system::error_code ec;
  client.connect(at, ec);
  EXPECT_EQ(ec, asio::error::connection_refused);
}

TEST_F(TcpLoopback, Ipv6Loopback) {
  try {
    listen("mqtt://[::1]:0");
  } catch (const std::runtime_error& e) {
    GTEST_SKIP() << "no IPv6 loopback here: " << e.what();
  }
  EXPECT_EQ(listener_->addresses().at(0), "[::1]:" + std::to_string(endpoint().port()));
  auto client = connect();
  ASSERT_TRUE(run_until(io_, [&] { return engine_.infos.size() == 1; }));
  EXPECT_TRUE(engine_.infos[0].remote_address.starts_with("[::1]:"));
}

// More connections than the listener accepts in one turn, then more ready sockets than the
// reactor fetches in one system call: every one is accepted and read, in order, once.
TEST_F(TcpLoopback, MoreReadySocketsThanOneBatchAreAllServed) {
  engine_.on_bytes_script = echo;
  listen("mqtt://127.0.0.1:0");
  constexpr std::size_t clients = 300;
  std::vector<tcp::socket> sockets;
  for (std::size_t i = 0; i < clients; ++i) {
    sockets.push_back(connect());
  }
  for (const char round : {'a', 'b'}) {
    // Written while the broker side does not run, so that all are ready at once.
    for (auto& client : sockets) {
      asio::write(client, asio::buffer(&round, 1));
    }
    std::size_t echoed = 0;
    ASSERT_TRUE(run_until(io_,
                          [&] {
                            for (auto& client : sockets) {
                              if (client.available() > 0) {
                                char byte = 0;
                                client.read_some(asio::buffer(&byte, 1));
                                EXPECT_EQ(byte, round);
                                ++echoed;
                              }
                            }
                            return echoed == clients;
                          }))
        << echoed << " echoed in round " << round;
  }
  ASSERT_EQ(engine_.logs.size(), clients);
  for (const auto& log : engine_.logs) {
    EXPECT_EQ(log->received, "ab");
  }
}

// An idle connection's pending read lives in the stream and holds the connection: when the
// io_context goes away with it open, the reactor drops the handler and the connection is freed.
TEST(TcpReactor, IdleConnectionsAreFreedWithTheIoContext) {
  std::weak_ptr<stream_connection<tcp_stream, fake_engine>> held;
  fake_engine engine;
  asio::io_context client_io;
  tcp::socket client(client_io);
  {
    asio::io_context io;
    connection_set set(io, nullptr);
    tcp_listener listener(io, set, accepting_at_once("mqtt://127.0.0.1:0"), nullptr,
                          [&](accepted_socket socket, core::connection_info info) {
                            auto connection =
                                std::make_shared<stream_connection<tcp_stream, fake_engine>>(
                                    tcp_stream(io, std::move(socket)), set);
                            connection->start(engine, std::move(info), std::chrono::seconds(10));
                            held = connection;
                          });
    client.connect(listener.local_endpoints().at(0));
    ASSERT_TRUE(run_until(io, [&] { return !held.expired(); }));
    // Let the first read find nothing and wait in the reactor.
    run_until(
        io, [] { return false; }, std::chrono::milliseconds(20));
    ASSERT_FALSE(held.expired());
  }
  EXPECT_TRUE(held.expired());
}

TEST(FormatEndpoint, BracketsIpv6) {
  EXPECT_EQ(format_endpoint(tcp::endpoint(asio::ip::make_address("10.1.2.3"), 1883)),
            "10.1.2.3:1883");
  EXPECT_EQ(format_endpoint(tcp::endpoint(asio::ip::make_address("fe80::1"), 8883)),
            "[fe80::1]:8883");
}

}  // namespace
}  // namespace telemq::net
