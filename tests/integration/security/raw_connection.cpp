#include "raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace telemq::security_test {

using clock_type = std::chrono::steady_clock;

raw_connection::raw_connection(std::uint16_t port, int receive_buffer) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  }
  if (receive_buffer > 0) {
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd_);
    throw std::runtime_error("connect to port " + std::to_string(port) + ": " + why);
  }
}

raw_connection::~raw_connection() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

raw_connection::raw_connection(raw_connection&& other) noexcept
    : fd_(other.fd_), buffer_(std::move(other.buffer_)), closed_(other.closed_) {
  other.fd_ = -1;
}

bool raw_connection::send(std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return true;
}

bool raw_connection::fill(std::size_t n, clock_type::time_point deadline) {
  while (buffer_.size() < n) {
    if (closed_) {
      return false;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    if (left.count() <= 0) {
      return false;
    }
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      return false;
    }
    std::uint8_t chunk[65536];
    const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      closed_ = true;
      return false;
    }
    buffer_.insert(buffer_.end(), chunk, chunk + got);
  }
  return true;
}

std::optional<wire::packet> raw_connection::read_packet(std::chrono::milliseconds timeout) {
  const auto deadline = clock_type::now() + timeout;
  std::size_t length = 0;
  std::size_t header = 1;
  for (int shift = 0;; shift += 7) {
    if (!fill(header + 1, deadline)) {
      return std::nullopt;
    }
    const std::uint8_t digit = buffer_[header++];
    length |= static_cast<std::size_t>(digit & 0x7F) << shift;
    if ((digit & 0x80) == 0) {
      break;
    }
    if (shift >= 21) {
      throw std::runtime_error("the broker sent a malformed remaining length");
    }
  }
  if (!fill(header + length, deadline)) {
    return std::nullopt;
  }
  wire::packet p;
  p.header = buffer_[0];
  p.body.assign(buffer_.begin() + static_cast<std::ptrdiff_t>(header),
                buffer_.begin() + static_cast<std::ptrdiff_t>(header + length));
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(header + length));
  return p;
}

bool raw_connection::closed_within(std::chrono::milliseconds timeout) {
  const auto deadline = clock_type::now() + timeout;
  while (!closed_) {
    buffer_.clear();
    if (!fill(1, deadline) && !closed_) {
      return false;
    }
  }
  return true;
}

std::optional<std::uint8_t> raw_connection::handshake(const wire::connect_fields& fields) {
  if (!send(wire::connect(fields))) {
    return std::nullopt;
  }
  const auto reply = read_packet();
  if (!reply || reply->type() != wire::connack) {
    return std::nullopt;
  }
  return wire::connack_code(*reply);
}

}  // namespace telemq::security_test
