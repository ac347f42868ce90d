#include "net_test_support.hpp"

#include <gtest/gtest.h>

#include <array>
#include <boost/asio/post.hpp>
#include <utility>

namespace telemq::net::testing {

void stream_script::deliver(std::string bytes, error_code ec) {
  boost::asio::post(io, [this, bytes = std::move(bytes), ec] {
    auto read = std::exchange(pending_read, nullptr);
    read(ec, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                           bytes.size()));
  });
}

void stream_script::complete_write(error_code ec) {
  boost::asio::post(io, [this, ec] { std::exchange(pending_write, nullptr)(ec); });
}

void stream_script::complete_shutdown(error_code ec) {
  boost::asio::post(io, [this, ec] { std::exchange(pending_shutdown, nullptr)(ec); });
}

void stream_script::abort_pending() {
  const error_code aborted = boost::asio::error::operation_aborted;
  if (auto start = std::exchange(pending_start, nullptr)) {
    boost::asio::post(io, [start, aborted] { start(aborted, {}); });
  }
  if (auto read = std::exchange(pending_read, nullptr)) {
    boost::asio::post(io, [read, aborted] { read(aborted, {}); });
  }
  if (auto write = std::exchange(pending_write, nullptr)) {
    boost::asio::post(io, [write, aborted] { write(aborted); });
  }
  if (auto shutdown = std::exchange(pending_shutdown, nullptr)) {
    boost::asio::post(io, [shutdown, aborted] { shutdown(aborted); });
  }
}

bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  return true;
}

bool closed_by_peer(boost::asio::io_context& io, boost::asio::ip::tcp::socket& client) {
  boost::system::error_code ec;
  client.non_blocking(true);
  EXPECT_TRUE(run_until(io, [&] {
    std::array<char, 16> buffer;
    client.read_some(boost::asio::buffer(buffer), ec);
    return ec != boost::asio::error::would_block;
  }));
  return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
}

}  // namespace telemq::net::testing
