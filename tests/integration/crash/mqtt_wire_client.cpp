#include "mqtt_wire_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace telemq::integration {

mqtt_wire_client::mqtt_wire_client(protocol::protocol_version version) : version_(version) {
  decoder_.set_version(version);
}

mqtt_wire_client::~mqtt_wire_client() {
  close();
}

void mqtt_wire_client::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

std::optional<protocol::connack_packet> mqtt_wire_client::connect(
    std::uint16_t port, protocol::connect_packet p, std::chrono::milliseconds timeout) {
  close();
  out_.clear();
  in_.clear();
  decoder_ = protocol::decoder();
  decoder_.set_version(version_);
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    close();
    return std::nullopt;
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
  p.version = version_;
  send(p);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!pump(std::chrono::milliseconds(20))) {
      return std::nullopt;
    }
    if (!in_.empty()) {
      auto first = std::move(in_.front());
      in_.erase(in_.begin());
      if (auto* ack = std::get_if<protocol::connack_packet>(&first)) {
        return *ack;
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

void mqtt_wire_client::send(const protocol::packet& p) {
  protocol::encode(p, version_, out_);
}

bool mqtt_wire_client::pump(std::chrono::milliseconds wait) {
  if (fd_ < 0) {
    return false;
  }
  pollfd watch{fd_, static_cast<short>(POLLIN | (out_.empty() ? 0 : POLLOUT)), 0};
  if (::poll(&watch, 1, static_cast<int>(wait.count())) < 0 && errno != EINTR) {
    close();
    return false;
  }
  if (!out_.empty()) {
    const ssize_t sent = ::send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      out_.erase(out_.begin(), out_.begin() + sent);
    } else if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      close();
      return false;
    }
  }
  std::array<std::uint8_t, 65536> buffer;
  for (;;) {
    const ssize_t got = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (got > 0) {
      decoder_.feed(std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(got)));
      continue;
    }
    if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
      close();
    }
    break;
  }
  while (auto next = decoder_.next()) {
    if (!next->ok()) {
      close();
      return false;
    }
    in_.push_back(std::move(next->value()));
  }
  return fd_ >= 0;
}

std::vector<protocol::packet> mqtt_wire_client::take() {
  std::vector<protocol::packet> all = std::move(in_);
  in_.clear();
  return all;
}

}  // namespace telemq::integration
