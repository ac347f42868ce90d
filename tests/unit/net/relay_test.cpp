// Connections relayed to an I/O thread: the socket on the I/O thread, stream_connection and the
// (fake) core on the test thread, which plays the broker thread. Real loopback sockets.
#include <gtest/gtest.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <string>
#include <thread>

#include "broker/net/connection_set.hpp"
#include "broker/net/io_threads.hpp"
#include "broker/net/listener_config.hpp"
#include "broker/net/relay_channel.hpp"
#include "broker/net/stream_connection.hpp"
#include "broker/net/tcp_listener.hpp"
#include "broker/net/tcp_stream.hpp"
#include "net_test_support.hpp"

namespace telemq::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using testing::append;
using testing::echo;
using testing::fake_engine;
using testing::run_until;
using relayed_connection = stream_connection<relayed_stream, fake_engine>;

// A stream whose start completes only when it is closed, as a TLS handshake the client never
// finishes; it records the thread it starts on.
class stalled_stream {
 public:
  stalled_stream(asio::io_context& io, accepted_socket socket, std::thread::id* started_on)
      : socket_(to_asio_socket(io, std::move(socket))), started_on_(started_on) {}

  template <typename Handler>
  void async_start(core::connection_info info, Handler&& handler) {
    *started_on_ = std::this_thread::get_id();
    socket_.async_wait(tcp_socket::wait_error,
                       [handler = std::forward<Handler>(handler),
                        info = std::move(info)](boost::system::error_code ec) mutable {
                         handler(ec ? ec : asio::error::connection_reset, std::move(info));
                       });
  }
  template <typename Handler>
  void async_read(Handler&&) {}
  template <typename Handler>
  void async_write(std::span<const std::uint8_t>, Handler&&) {}
  template <typename Handler>
  void async_shutdown(Handler&&) {}
  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  tcp_socket socket_;
  std::thread::id* started_on_;
};

class Relay : public ::testing::Test {
 protected:
  void TearDown() override {
    set_.abort_all();
    run_until(
        io_, [] { return false; }, std::chrono::milliseconds(20));
    thread_.stop();
    io_.restart();
    io_.poll();
  }

  // Every accepted socket is relayed to the one I/O thread.
  void listen(std::chrono::milliseconds start_timeout = std::chrono::seconds(10)) {
    listener_ = std::make_unique<tcp_listener>(
        io_, set_, parse_listener_url("mqtt://127.0.0.1:0"), nullptr,
        [this, start_timeout](accepted_socket socket, core::connection_info info) {
          auto channel = std::make_shared<relay_channel_for<make_tcp_stream>>(
              thread_, std::move(socket), make_tcp_stream{});
          auto connection =
              std::make_shared<relayed_connection>(relayed_stream(std::move(channel)), set_);
          connection->start(engine_, std::move(info), start_timeout);
        });
  }

  struct make_tcp_stream {
    tcp_stream operator()(asio::io_context& io, accepted_socket socket) const {
      return tcp_stream(io, std::move(socket));
    }
  };

  tcp::socket connect() {
    tcp::socket client(client_io_);
    client.connect(listener_->local_endpoints().at(0));
    return client;
  }

  std::string read_exactly(tcp::socket& client, std::size_t n) {
    std::string received;
    EXPECT_TRUE(run_until(io_, [&] {
      std::array<char, 65536> chunk;
      while (received.size() < n && client.available() > 0) {
        received.append(chunk.data(), client.read_some(asio::buffer(chunk)));
      }
      return received.size() >= n;
    }));
    return received;
  }

  bool closed_by_peer(tcp::socket& client) { return testing::closed_by_peer(io_, client); }

  asio::io_context io_;
  asio::io_context client_io_;
  io_thread thread_{io_, "test-io"};
  connection_set set_{io_, nullptr};
  fake_engine engine_;
  std::unique_ptr<tcp_listener> listener_;
};

TEST_F(Relay, BytesReachTheCoreInOrderAndItsOutputReachesThePeer) {
  engine_.on_bytes_script = echo;
  listen();
  auto client = connect();
  std::string sent;
  for (int i = 0; i < 2000; ++i) {
    sent += "message " + std::to_string(i) + ";";
  }
  asio::write(client, asio::buffer(sent));
  EXPECT_EQ(read_exactly(client, sent.size()), sent);
  ASSERT_EQ(engine_.logs.size(), 1u);
  EXPECT_EQ(engine_.logs[0]->received, sent);
  EXPECT_EQ(engine_.infos[0].remote_address,
            "127.0.0.1:" + std::to_string(client.local_endpoint().port()));
  EXPECT_EQ(set_.size(), 1u);
}

TEST_F(Relay, LargeOutputArrivesWholeAndTheCoreHearsItDrained) {
  const std::string big(2 * 1024 * 1024, 'm');
  engine_.on_bytes_script = [&](core::link& link, std::span<const std::uint8_t>) {
    append(link, big);
    link.flush();
  };
  listen();
  auto client = connect();
  asio::write(client, asio::buffer(std::string("go")));
  EXPECT_EQ(read_exactly(client, big.size()), big);
  ASSERT_TRUE(run_until(io_, [&] { return engine_.logs.at(0)->writable_calls >= 1; }));
}

TEST_F(Relay, CoreCloseWritesWhatIsQueuedThenEndsTheConnectionOnce) {
  engine_.on_bytes_script = [](core::link& link, std::span<const std::uint8_t>) {
    append(link, "goodbye");
    link.close();
  };
  listen();
  auto client = connect();
  asio::write(client, asio::buffer(std::string("x")));
  EXPECT_EQ(read_exactly(client, 7), "goodbye");
  client.shutdown(tcp::socket::shutdown_send);
  EXPECT_TRUE(closed_by_peer(client));
  ASSERT_TRUE(run_until(io_, [&] { return engine_.logs.at(0)->closed_calls == 1; }));
  EXPECT_FALSE(engine_.logs[0]->closed_inside_core_call);
  ASSERT_TRUE(run_until(io_, [&] { return set_.size() == 0; }));
}

TEST_F(Relay, BytesBeforeThePeerClosesReachTheCoreBeforeTheClose) {
  listen();
  auto client = connect();
  asio::write(client, asio::buffer(std::string("last words")));
  client.close();
  ASSERT_TRUE(run_until(
      io_, [&] { return engine_.logs.size() == 1 && engine_.logs[0]->closed_calls == 1; }));
  EXPECT_EQ(set_.size(), 0u);
  EXPECT_EQ(engine_.logs[0]->received, "last words");
  EXPECT_EQ(engine_.logs[0]->closed_calls, 1);
}

TEST_F(Relay, StartThatNeverCompletesTimesOutOnTheBrokerThreadWithoutOpeningTheCore) {
  std::thread::id started_on;
  listener_ = std::make_unique<tcp_listener>(
      io_, set_, parse_listener_url("mqtt://127.0.0.1:0"), nullptr,
      [&](accepted_socket socket, core::connection_info info) {
        auto make = [&started_on](asio::io_context& io, accepted_socket s) {
          return stalled_stream(io, std::move(s), &started_on);
        };
        auto channel = std::make_shared<relay_channel_for<decltype(make)>>(
            thread_, std::move(socket), std::move(make));
        auto connection =
            std::make_shared<relayed_connection>(relayed_stream(std::move(channel)), set_);
        connection->start(engine_, std::move(info), std::chrono::milliseconds(50));
      });
  auto client = connect();
  ASSERT_TRUE(run_until(io_, [&] { return set_.size() == 1; }));
  ASSERT_TRUE(run_until(io_, [&] { return set_.size() == 0; }));
  EXPECT_TRUE(engine_.infos.empty());
  EXPECT_NE(started_on, std::thread::id());
  EXPECT_NE(started_on, std::this_thread::get_id());
  EXPECT_TRUE(closed_by_peer(client));
}

// The daemon stops the threads after the broker thread is done; a stream still open then must
// not keep the thread from ending (nor leak: AddressSanitizer checks at exit).
TEST_F(Relay, StoppingTheThreadsEndsTheStreamsStillOpen) {
  listen();
  auto first = connect();
  auto second = connect();
  ASSERT_TRUE(run_until(io_, [&] { return engine_.logs.size() == 2; }));
  thread_.stop();
  EXPECT_TRUE(closed_by_peer(first));
  EXPECT_TRUE(closed_by_peer(second));
  set_.abort_all();
  EXPECT_EQ(set_.size(), 0u);
  EXPECT_EQ(engine_.logs[0]->closed_calls, 1);
  EXPECT_EQ(engine_.logs[1]->closed_calls, 1);
}

TEST(IoThreads, ConnectionsGoToTheBrokerThreadAndEachIoThreadInTurn) {
  asio::io_context io;
  io_threads three(io, 3);
  EXPECT_EQ(three.size(), 3u);
  EXPECT_EQ(three.next(), nullptr) << "the broker thread's turn";
  io_thread* first = three.next();
  io_thread* second = three.next();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_NE(first, second);
  EXPECT_EQ(three.next(), nullptr);
  EXPECT_EQ(three.next(), first);
  three.stop();
}

TEST(IoThreads, OneThreadMeansTheBrokerThreadServesEverything) {
  asio::io_context io;
  io_threads one(io, 1);
  EXPECT_EQ(one.size(), 1u);
  EXPECT_EQ(one.next(), nullptr);
  EXPECT_EQ(one.next(), nullptr);
}

TEST(IoThreads, UsableCpusFollowsTheAffinityMask) {
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(::sched_getaffinity(0, sizeof(set), &set), 0);
  EXPECT_EQ(usable_cpus(), static_cast<std::size_t>(CPU_COUNT(&set)));
  EXPECT_GE(usable_cpus(), 1u);
}

TEST(IoThreads, DefaultLeavesOneCpuToTheRest) {
  EXPECT_EQ(default_thread_count(1), 1u);
  EXPECT_EQ(default_thread_count(2), 1u);
  EXPECT_EQ(default_thread_count(4), 3u);
  EXPECT_EQ(default_thread_count(64), 63u);
}

}  // namespace
}  // namespace telemq::net
