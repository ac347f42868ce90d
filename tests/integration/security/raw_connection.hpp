#pragma once
// A TCP connection to the broker that sends exactly the bytes a test gives it and reads whole
// packets back; every wait is bounded.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

#include "wire.hpp"

namespace telemq::security_test {

// Long enough for a sanitizer build on a loaded machine; a wait only lasts this long when
// something is already wrong.
inline constexpr std::chrono::seconds bounded_wait{15};

class raw_connection {
 public:
  // Connects to 127.0.0.1:port; throws std::runtime_error when it cannot. A receive buffer size
  // other than 0 is set before connecting (a client that reads slowly).
  explicit raw_connection(std::uint16_t port, int receive_buffer = 0);
  ~raw_connection();
  raw_connection(raw_connection&& other) noexcept;
  raw_connection& operator=(raw_connection&&) = delete;
  raw_connection(const raw_connection&) = delete;

  // False when the broker has closed the connection.
  bool send(std::span<const std::uint8_t> bytes);
  // The next whole packet; nothing when none came within timeout or the connection closed.
  std::optional<wire::packet> read_packet(std::chrono::milliseconds timeout = bounded_wait);
  // Whether the broker closes the connection within timeout; what it sends first is discarded.
  bool closed_within(std::chrono::milliseconds timeout = bounded_wait);
  // CONNECT and the CONNACK code, or nothing when no CONNACK came.
  std::optional<std::uint8_t> handshake(const wire::connect_fields& fields);

 private:
  // Fills buffer_ until it holds n bytes; false on close or timeout.
  bool fill(std::size_t n, std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::vector<std::uint8_t> buffer_;
  bool closed_ = false;
};

}  // namespace telemq::security_test
