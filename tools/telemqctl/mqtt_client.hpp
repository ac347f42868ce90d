#pragma once
// The MQTT client under `telemqctl pub` and `sub`, on telemq's own codec: TCP or TLS, MQTT
// 3.1, 3.1.1 and 5.0. Its calls block until done (CONNACK, the end of a QoS flow, a SUBACK, a
// message), running the client's io_context meanwhile so that keep-alive pings and the
// acknowledgements of incoming messages happen whatever the caller waits for.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "broker/protocol/codec.hpp"
#include "broker/protocol/packets.hpp"

namespace boost::asio::ssl {
class context;
}

namespace telemq::ctl {

struct tls_options {
  bool enabled = false;
  std::string ca_file;  // empty: the system's CAs
  std::string cert_file;
  std::string key_file;
  bool insecure = false;  // do not check that the certificate names the host
};

struct mqtt_options {
  std::string host = "localhost";
  std::uint16_t port = 0;  // 0: 1883, or 8883 with TLS
  protocol::protocol_version version = protocol::protocol_version::v3_1_1;
  std::string client_id;
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::uint16_t keep_alive = 60;
  bool clean_start = true;
  std::optional<std::uint32_t> session_expiry;  // 5.0
  tls_options tls;
};

class byte_stream;

class mqtt_client {
 public:
  explicit mqtt_client(mqtt_options options);
  ~mqtt_client();
  mqtt_client(const mqtt_client&) = delete;
  mqtt_client& operator=(const mqtt_client&) = delete;

  // Throws ctl_error: unreachable when the broker cannot be reached or refuses the connection.
  void connect();
  // Returns once the QoS flow is complete (QoS 0: once written). Throws ctl_error (failed) when
  // the broker refuses the message (5.0 reason codes from 0x80).
  void publish(protocol::publish_packet packet);
  // The granted QoS or failure reason per filter.
  std::vector<protocol::reason_code> subscribe(std::vector<protocol::subscription_request> filters);
  // The next message, or nothing at the deadline or once stop() was called.
  std::optional<protocol::publish_packet> receive(
      std::optional<std::chrono::steady_clock::time_point> deadline);
  // Makes a waiting receive() return (from a signal handler on the io_context).
  void stop() { stopping_ = true; }
  void disconnect();

  boost::asio::io_context& io() { return io_; }

 private:
  void start_reading();
  void on_packet(protocol::packet p);
  void send(const protocol::packet& p);
  void write_next();
  void arm_keep_alive();
  // Runs the io_context until done() or the deadline; throws what broke the connection.
  bool run_until(const std::function<bool()>& done,
                 std::optional<std::chrono::steady_clock::time_point> deadline);
  [[noreturn]] void fail_connection() const;
  std::uint16_t next_packet_id();

  mqtt_options options_;
  boost::asio::io_context io_;
  std::shared_ptr<boost::asio::ssl::context> tls_context_;  // outlives the stream using it
  std::unique_ptr<byte_stream> stream_;
  protocol::decoder decoder_;
  std::vector<std::uint8_t> read_buffer_;
  std::deque<protocol::byte_buffer> write_queue_;
  bool writing_ = false;
  std::optional<std::string> failure_;  // why the connection broke
  bool failure_is_refusal_ = false;

  std::optional<protocol::connack_packet> connack_;
  std::map<std::uint16_t, protocol::reason_code> acks_;  // completed outgoing QoS flows
  std::map<std::uint16_t, protocol::suback_packet> subacks_;
  std::set<std::uint16_t> incoming_qos2_;  // PUBREC sent, PUBREL awaited
  std::deque<protocol::publish_packet> inbox_;
  std::uint16_t last_packet_id_ = 0;
  bool ping_outstanding_ = false;
  bool stopping_ = false;
  std::unique_ptr<boost::asio::steady_timer> keep_alive_timer_;
};

}  // namespace telemq::ctl
