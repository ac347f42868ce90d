// stream_connection between a scripted stream and a fake engine: the write batching, the close
// sequence and the on_closed guarantee, independent of sockets.
#include "broker/net/stream_connection.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "broker/net/connection_set.hpp"
#include "net_test_support.hpp"

namespace telemq::net {
namespace {

using testing::append;
using testing::fake_engine;
using testing::scripted_stream;
using testing::stream_script;
using connection = stream_connection<scripted_stream, fake_engine>;

class StreamConnection : public ::testing::Test {
 protected:
  // Pending operations hold the connection and the connection holds the script: end them.
  void TearDown() override {
    set_.abort_all();
    script_->abort_pending();
    settle();
  }

  // Opens a connection whose start completes at once; returns the link the core sees.
  core::link& open() {
    connection_ = std::make_shared<connection>(scripted_stream(script_), set_);
    connection_->start(engine_, core::connection_info{"10.0.0.1:5000", "mqtt://test:1", true, {}},
                       std::chrono::seconds(10));
    return *connection_;
  }

  const testing::engine_connection_log& core_log() const { return *engine_.logs.at(0); }

  void settle() {
    io_.restart();
    io_.poll();
  }

  boost::asio::io_context io_;
  connection_set set_{io_, nullptr};
  fake_engine engine_;
  std::shared_ptr<stream_script> script_ = std::make_shared<stream_script>(io_);
  std::shared_ptr<connection> connection_;
};

TEST_F(StreamConnection, OpensTheCoreConnectionWithTheListenersInfoAndReads) {
  open();
  ASSERT_EQ(engine_.infos.size(), 1u);
  EXPECT_EQ(engine_.infos[0].remote_address, "10.0.0.1:5000");
  EXPECT_EQ(engine_.infos[0].listener, "mqtt://test:1");
  EXPECT_EQ(set_.size(), 1u);

  script_->deliver("abc");
  settle();
  script_->deliver("def");
  settle();
  EXPECT_EQ(core_log().received, "abcdef");
}

TEST_F(StreamConnection, FlushesInOneHandlerLeaveInOneWrite) {
  engine_.on_bytes_script = [](core::link& link, std::span<const std::uint8_t>) {
    for (const char* packet : {"one", "two", "three"}) {
      append(link, packet);
      link.flush();
    }
  };
  open();
  script_->deliver("x");
  settle();
  ASSERT_EQ(script_->writes.size(), 1u);
  EXPECT_EQ(script_->writes[0], "onetwothree");
}

TEST_F(StreamConnection, PacketsQueuedDuringAWriteLeaveTogetherAfterIt) {
  auto& link = open();
  append(link, "first");
  link.flush();
  settle();
  ASSERT_EQ(script_->writes.size(), 1u);

  append(link, "second");
  link.flush();
  append(link, "third");
  link.flush();
  settle();
  EXPECT_EQ(script_->writes.size(), 1u) << "a write is in flight";
  EXPECT_EQ(link.unsent_bytes(), std::string("firstsecondthird").size());

  script_->complete_write();
  settle();
  EXPECT_EQ(core_log().writable_calls, 1);
  ASSERT_EQ(script_->writes.size(), 2u);
  EXPECT_EQ(script_->writes[1], "secondthird");
  EXPECT_EQ(link.unsent_bytes(), std::string("secondthird").size());
}

TEST_F(StreamConnection, WhatTheCoreQueuesWhenWritableJoinsTheNextWrite) {
  engine_.on_writable_script = [](core::link& link) {
    append(link, "+more");
    link.flush();
  };
  auto& link = open();
  append(link, "first");
  link.flush();
  settle();
  append(link, "second");
  script_->complete_write();
  settle();
  ASSERT_EQ(script_->writes.size(), 2u);
  EXPECT_EQ(script_->writes[1], "second+more");
}

TEST_F(StreamConnection, ConnectionThatCaughtUpHoldsNoWriteBuffer) {
  auto& link = open();
  for (const std::size_t size : {std::size_t{4}, std::size_t{100 * 1024}}) {
    append(link, std::string(size, 'x'));
    link.flush();
    settle();
    EXPECT_EQ(link.unsent_bytes(), size);
    script_->complete_write();
    settle();
    EXPECT_EQ(link.unsent_bytes(), 0u);
    EXPECT_EQ(link.output().capacity(), 0u) << size;
  }
}

TEST_F(StreamConnection, CloseWritesWhatIsQueuedThenShutsDownThenWaitsForThePeer) {
  engine_.on_bytes_script = [](core::link& link, std::span<const std::uint8_t>) {
    append(link, "goodbye");
    link.flush();
    link.close();
  };
  open();
  script_->deliver("bad packet");
  settle();
  EXPECT_EQ(core_log().closed_calls, 0) << "close() must not call back into the core";
  ASSERT_EQ(script_->writes.size(), 1u);
  EXPECT_EQ(script_->writes[0], "goodbye");
  EXPECT_EQ(script_->shutdowns, 0) << "the last bytes are still being written";

  script_->complete_write();
  settle();
  EXPECT_EQ(script_->shutdowns, 1);
  EXPECT_EQ(core_log().writable_calls, 0) << "a closing connection takes no more packets";
  script_->complete_shutdown();
  settle();
  EXPECT_EQ(core_log().closed_calls, 0) << "waiting for the peer to close";

  script_->deliver("ignored after close");
  settle();
  EXPECT_EQ(core_log().received, "bad packet");

  script_->deliver("", boost::asio::error::eof);
  settle();
  EXPECT_EQ(core_log().closed_calls, 1);
  EXPECT_FALSE(core_log().closed_inside_core_call);
  EXPECT_EQ(set_.size(), 0u);
}

TEST_F(StreamConnection, PeerClosingEndsTheConnectionOnce) {
  open();
  script_->deliver("", boost::asio::error::connection_reset);
  settle();
  EXPECT_EQ(core_log().closed_calls, 1);
  EXPECT_EQ(script_->closes, 1);
  EXPECT_EQ(set_.size(), 0u);
  set_.abort_all();
  settle();
  EXPECT_EQ(core_log().closed_calls, 1);
}

TEST_F(StreamConnection, FailedWriteEndsTheConnection) {
  auto& link = open();
  append(link, "data");
  link.flush();
  settle();
  script_->complete_write(boost::asio::error::broken_pipe);
  settle();
  EXPECT_EQ(core_log().closed_calls, 1);
  EXPECT_EQ(core_log().writable_calls, 0);
}

TEST_F(StreamConnection, AbortAllEndsEveryConnectionAndReportsEmpty) {
  auto& link = open();
  append(link, "never acknowledged");
  link.flush();
  settle();
  bool empty = false;
  set_.when_empty([&] { empty = true; });
  EXPECT_FALSE(empty);
  set_.abort_all();
  EXPECT_TRUE(empty);
  EXPECT_EQ(core_log().closed_calls, 1);
  settle();  // the aborted operations complete and find the connection finished
  EXPECT_EQ(core_log().closed_calls, 1);
  EXPECT_EQ(script_->writes.size(), 1u);
}

TEST_F(StreamConnection, ClosingConnectionThatNeverEndsIsCutAfterTheLinger) {
  set_.set_close_linger(std::chrono::milliseconds(20));
  auto& link = open();
  link.close();
  settle();
  EXPECT_EQ(script_->shutdowns, 1);
  // Neither the shutdown nor the peer ever answers.
  EXPECT_TRUE(testing::run_until(io_, [&] { return core_log().closed_calls == 1; }));
}

TEST_F(StreamConnection, StartThatNeverCompletesTimesOutWithoutOpeningTheCore) {
  script_->start_synchronously = false;
  auto c = std::make_shared<connection>(scripted_stream(script_), set_);
  c->start(engine_, core::connection_info{"10.0.0.1:5000", "mqtts://test:1", true, {}},
           std::chrono::milliseconds(20));
  c.reset();  // the pending start keeps it alive
  EXPECT_EQ(set_.size(), 1u);
  EXPECT_TRUE(testing::run_until(io_, [&] { return set_.size() == 0; }));
  EXPECT_TRUE(engine_.infos.empty());
  EXPECT_EQ(script_->closes, 2);  // the deadline's, then the failed start's
}

TEST(ConnectionSet, LimitCountsOpenConnections) {
  boost::asio::io_context io;
  connection_set set(io, nullptr);
  EXPECT_FALSE(set.full());
  set.set_max_connections(1);
  EXPECT_FALSE(set.full());
  auto script = std::make_shared<stream_script>(io);
  auto c = std::make_shared<connection>(scripted_stream(script), set);
  EXPECT_TRUE(set.full());
  set.set_max_connections(0);
  EXPECT_FALSE(set.full());
}

}  // namespace
}  // namespace telemq::net
