#include "broker/net/tcp_stream.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/error.hpp>
#include <cassert>
#include <cerrno>

#include "broker/net/shared_read_buffer.hpp"

namespace telemq::net {

namespace {

boost::system::error_code last_error() {
  return {errno, boost::system::system_category()};
}

bool would_block() {
  return errno == EAGAIN || errno == EWOULDBLOCK;
}
}  // namespace

tcp_stream::tcp_stream(tcp_stream&& other) noexcept
    : reactor_(other.reactor_),
      descriptor_(std::exchange(other.descriptor_, -1)),
      read_handler_(std::move(other.read_handler_)),
      write_handler_(std::move(other.write_handler_)),
      unwritten_data_(other.unwritten_data_),
      unwritten_size_(other.unwritten_size_),
      readable_(other.readable_),
      writable_(other.writable_) {
  assert(other.slot_ == 0);
}

tcp_stream::~tcp_stream() {
  if (slot_ != 0) {
    reactor_->forget(slot_);
  }
  if (descriptor_ >= 0) {
    ::close(descriptor_);
  }
}

void tcp_stream::close() {
  if (descriptor_ < 0) {
    return;
  }
  if (slot_ != 0) {
    reactor_->forget(std::exchange(slot_, 0));
  }
  ::close(std::exchange(descriptor_, -1));
  fail_pending(boost::asio::error::operation_aborted);
}

void tcp_stream::fail_pending(const error_code& ec) {
  if (read_handler_) {
    post([handler = std::move(read_handler_), ec]() mutable {
      handler(ec, std::span<const std::uint8_t>());
    });
  }
  if (write_handler_) {
    post([handler = std::move(write_handler_), ec]() mutable { handler(ec); });
  }
}

void tcp_stream::read_now(read_handler handler) {
  if (descriptor_ < 0) {
    handler(boost::asio::error::bad_descriptor, {});
    return;
  }
  const auto buffer = shared_read_buffer();
  const ssize_t n = ::recv(descriptor_, buffer.data(), buffer.size(), 0);
  if (n > 0) {
    // A short read emptied the socket; a full one probably did not.
    readable_ = static_cast<std::size_t>(n) == buffer.size();
    handler(error_code{},
            std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(n)));
    return;
  }
  if (n == 0) {
    handler(boost::asio::error::eof, {});
    return;
  }
  if (would_block()) {
    readable_ = false;
    read_handler_ = std::move(handler);
    wait();
    return;
  }
  handler(last_error(), {});
}

void tcp_stream::write_now() {
  error_code ec;
  if (descriptor_ < 0) {
    ec = boost::asio::error::bad_descriptor;
  }
  while (!ec && unwritten_size_ != 0) {
    const ssize_t n = ::send(descriptor_, unwritten_data_, unwritten_size_, MSG_NOSIGNAL);
    if (n >= 0) {
      unwritten_data_ += n;
      unwritten_size_ -= static_cast<std::uint32_t>(n);
    } else if (would_block()) {
      writable_ = false;
      wait();
      return;
    } else if (errno != EINTR) {
      ec = last_error();
    }
  }
  unwritten_data_ = nullptr;
  unwritten_size_ = 0;
  post([handler = std::move(write_handler_), ec]() mutable { handler(ec); });
}

void tcp_stream::wait() {
  if (slot_ != 0 || descriptor_ < 0) {
    return;
  }
  error_code ec;
  slot_ = reactor_->watch(descriptor_, *this, ec);
  if (ec) {
    fail_pending(ec);
  }
}

tcp_stream::error_code tcp_stream::shutdown_send() {
  if (descriptor_ < 0) {
    return boost::asio::error::bad_descriptor;
  }
  if (::shutdown(descriptor_, SHUT_WR) != 0) {
    return last_error();
  }
  return {};
}

void tcp_stream::on_ready(std::uint32_t events) {
  if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) != 0U) {
    writable_ = true;
    if (write_handler_) {
      write_now();
    }
  }
  if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) != 0U) {
    readable_ = true;
    if (read_handler_) {
      // Last: the handler may release what owns this stream.
      read_now(std::move(read_handler_));
    }
  }
}

void tcp_stream::abandon() {
  // The reactor is going away: this stream must not call it again.
  slot_ = 0;
  // Either handler may own this stream: both leave it before either is destroyed.
  const read_handler read = std::move(read_handler_);
  const write_handler write = std::move(write_handler_);
}

}  // namespace telemq::net
