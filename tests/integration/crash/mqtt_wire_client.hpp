#pragma once
// A non-blocking MQTT client on telemq's own codec, for tests that must count exactly which
// packets went out and which acknowledgements came back while the broker may die at any moment.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broker/protocol/codec.hpp"

namespace telemq::integration {

class mqtt_wire_client {
 public:
  explicit mqtt_wire_client(protocol::protocol_version version = protocol::protocol_version::v5);
  ~mqtt_wire_client();
  mqtt_wire_client(const mqtt_wire_client&) = delete;
  mqtt_wire_client& operator=(const mqtt_wire_client&) = delete;

  // Connects the socket and sends CONNECT; waits (bounded) for CONNACK. Nothing on failure.
  std::optional<protocol::connack_packet> connect(std::uint16_t port, protocol::connect_packet p,
                                                  std::chrono::milliseconds timeout);
  // Queues a packet; write() sends what the socket takes.
  void send(const protocol::packet& p);
  // Sends what is queued and reads what arrived within `wait`; false once the connection is gone.
  bool pump(std::chrono::milliseconds wait);
  // Packets received so far, in order; the caller takes them.
  std::vector<protocol::packet> take();
  bool connected() const { return fd_ >= 0; }
  void close();

 private:
  int fd_ = -1;
  protocol::protocol_version version_;
  protocol::byte_buffer out_;
  protocol::decoder decoder_;
  std::vector<protocol::packet> in_;
};

}  // namespace telemq::integration
