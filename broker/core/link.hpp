#pragma once
// The boundary between the sans-I/O core and a transport (TCP, TLS, WebSocket). The transport
// owns the socket and a core::connection; the core writes encoded packets into output() and
// asks for them to be flushed. One link per connection; all calls happen on the broker thread.
#include <cstddef>
#include <optional>
#include <string>

#include "broker/core/time.hpp"
#include "broker/protocol/codec.hpp"

namespace telemq::core {

class link {
 public:
  virtual ~link() = default;

  // Bytes waiting to be written. The core appends whole packets; the transport takes them.
  virtual protocol::byte_buffer& output() = 0;
  // Requests a write of output(). Cheap and idempotent: the transport writes once per wake-up
  // however often it is called.
  virtual void flush() = 0;
  // Bytes handed to the transport and not yet written to the socket, output() included; the
  // core stops writing to a connection above its write-buffer limit and queues instead.
  virtual std::size_t unsent_bytes() const = 0;
  // Flushes output(), then closes. Never re-enters the core: the transport calls
  // connection::on_closed() later, from its own event.
  virtual void close() = 0;
};

// What the transport knows about a connection when it is accepted.
struct connection_info {
  std::string remote_address;  // "ip:port"
  std::string listener;        // the listener URL, for logs and per-listener limits
  bool allow_anonymous = true;
  // Identity from a verified TLS client certificate (its CN) when the listener uses it as the
  // username.
  std::string certificate_username;
  // When the socket was accepted, if something ran before the core was opened (a TLS
  // handshake): the connect timeout then counts from here, so that the handshake and the
  // CONNECT share it instead of getting one each.
  std::optional<timestamp> accepted_at;
};

}  // namespace telemq::core
