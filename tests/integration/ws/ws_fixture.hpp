#pragma once
// What the bridge-ws tests share: a broker with a ws:// (or wss://) listener beside its mqtt://
// one, and blocking clients for the wire formats Paho does not cover: raw TCP with deadlines,
// HTTP/1.1, a minimal WebSocket client, and MQTT packets as bytes.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fixture/broker_test.hpp"

namespace telemq::integration::ws {

using namespace std::chrono_literals;

// A broker listening on mqtt://127.0.0.1:P1 and ws://127.0.0.1:P2/mqtt?options.
class ws_broker_test : public broker_test {
 protected:
  // The listener URL's query (bridge options), e.g. "replay_size=5".
  virtual std::string ws_options() const { return {}; }
  // "ws" or "wss"; wss needs tls_args().
  virtual std::string ws_scheme() const { return "ws"; }
  virtual std::vector<std::string> tls_args() const { return {}; }

  std::vector<std::string> broker_args() const override;

 public:
  std::uint16_t ws_port() const { return ws_port_; }
  std::string ws_uri() const;  // ws://127.0.0.1:P2/mqtt, the Paho form

 private:
  mutable std::uint16_t ws_port_ = 0;
};

// A blocking TCP connection to 127.0.0.1 whose every read has a deadline.
class tcp_connection {
 public:
  explicit tcp_connection(std::uint16_t port);  // throws std::runtime_error
  ~tcp_connection();
  tcp_connection(const tcp_connection&) = delete;
  tcp_connection& operator=(const tcp_connection&) = delete;

  void send(std::string_view bytes);
  // Appends what arrives to buffer() until done(buffer()) holds, the peer closes or the
  // timeout passes; returns done's final answer.
  bool read_until(const std::function<bool(const std::string&)>& done,
                  std::chrono::milliseconds timeout = 15s);
  // Reads until the peer closes; false when it did not within the timeout.
  bool read_to_end(std::chrono::milliseconds timeout = 15s);
  std::string& buffer() { return buffer_; }
  // A small receive buffer makes a client that stops reading stall the peer's writes sooner.
  void set_receive_buffer(int bytes);

 private:
  int fd_ = -1;
  std::string buffer_;
  bool peer_closed_ = false;
};

struct http_reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// Parses a response head (and the body after it, whatever there is); status 0 when malformed.
http_reply parse_http_reply(const std::string& bytes);

// One request with Connection: close; reads the whole response.
http_reply http_call(std::uint16_t port, const std::string& method, const std::string& target,
                     const std::string& body = {}, const std::vector<std::string>& headers = {});

// The events of a text/event-stream body read so far.
struct sse_event {
  std::optional<std::string> id;
  std::string type = "message";
  std::string data;
};
std::vector<sse_event> parse_sse(const std::string& body);

// An open GET /events: the connection, and its events as they arrive.
class sse_client {
 public:
  sse_client(std::uint16_t port, const std::string& query,
             const std::vector<std::string>& headers = {});
  int status() const { return status_; }
  // Waits until at least count events have arrived (heartbeat comments are not events).
  bool wait_for_events(std::size_t count, std::chrono::milliseconds timeout = 15s);
  std::vector<sse_event> events();
  tcp_connection& connection() { return connection_; }

 private:
  std::string body();
  tcp_connection connection_;
  int status_ = 0;
};

// A minimal WebSocket client (RFC 6455): masked frames out, unmasked frames in.
class ws_client {
 public:
  // Sends the upgrade request; protocols is the Sec-WebSocket-Protocol header ("" for none).
  ws_client(std::uint16_t port, const std::string& path = "/mqtt",
            const std::string& protocols = "mqtt");
  // The server's answer to the upgrade (101 when it accepted).
  const http_reply& handshake() const { return handshake_; }

  enum opcode : std::uint8_t {
    continuation = 0,
    text = 1,
    binary = 2,
    close = 8,
    ping = 9,
    pong = 10
  };
  void send_frame(opcode op, std::string_view payload);
  // Sends only a frame header announcing length bytes of payload.
  void send_frame_header(opcode op, std::uint64_t length);

  struct frame {
    std::uint8_t op = 0;
    std::string payload;
    // For close frames: the status code, or 0 when the frame has none.
    int close_code() const;
  };
  std::optional<frame> read_frame(std::chrono::milliseconds timeout = 15s);
  // The payloads of binary frames until done(bytes) holds: the MQTT byte stream.
  bool read_mqtt_until(const std::function<bool(const std::string&)>& done,
                       std::chrono::milliseconds timeout = 15s);
  const std::string& mqtt_bytes() const { return mqtt_; }
  tcp_connection& connection() { return connection_; }

 private:
  tcp_connection connection_;
  http_reply handshake_;
  std::string mqtt_;
};

// MQTT 3.1.1 packets as bytes, for the raw WebSocket client.
namespace mqtt_bytes {
std::string connect(const std::string& client_id, const std::string& will_topic = {},
                    const std::string& will_payload = {});
std::string subscribe(std::uint16_t packet_id, const std::string& filter, int qos);
std::string publish(const std::string& topic, const std::string& payload);
std::string disconnect();
inline constexpr char connack_accepted[] = "\x20\x02\x00\x00";
}  // namespace mqtt_bytes

}  // namespace telemq::integration::ws
