#pragma once
// An MQTT client session over a link: CONNECT/CONNACK, SUBSCRIBE/SUBACK, keep-alive, and the
// dispatch of everything else to the role on top (publisher or subscriber) through
// client_events. Acks the role queues while handling one read go out as one write.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "broker/protocol/codec.hpp"
#include "tools/telemq-bench/link.hpp"

namespace telemq::bench {

class client_events {
 public:
  virtual void on_publish(protocol::publish_packet& publish) = 0;
  // PUBACK, PUBREC, PUBREL or PUBCOMP.
  virtual void on_ack(protocol::packet_type type, std::uint16_t packet_id,
                      protocol::reason_code reason) = 0;
  // After every packet of one read was handled, just before the queued replies are flushed.
  virtual void on_read_batch() = 0;

 protected:
  ~client_events() = default;
};

struct client_config {
  protocol::protocol_version version = protocol::protocol_version::v5;
  std::string client_id;
  bool clean_start = true;
  std::uint32_t session_expiry = 0;  // 5.0 only; with clean_start false it keeps the session
  std::uint16_t keep_alive = 60;
};

class mqtt_client {
 public:
  // `events` may be null for a client that never subscribes nor publishes.
  mqtt_client(asio::io_context& context, const transport_config& transport, client_config config,
              client_events* events);

  // Connects the link and completes when the CONNACK arrives (with the refusal, if any).
  void connect(link::done_handler on_connack);
  // Completes when the SUBACK arrives; a refused filter or a lower granted QoS is a failure,
  // since the benchmark's accounting assumes what it asked for.
  void subscribe(const std::string& filter, protocol::qos max_qos, link::done_handler on_suback);
  void ping();
  void disconnect();

  link& wire() { return link_; }
  asio::any_io_executor executor() { return executor_; }
  protocol::protocol_version version() const { return config_.version; }
  // The broker's Receive Maximum (65535 when it sets none, as 5.0 section 3.2.2.3.3 says).
  std::uint16_t receive_maximum() const { return receive_maximum_; }

  // Set, from the client's own thread, when the session ended without being asked to.
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  const std::string& failure() const { return failure_; }

 private:
  void on_bytes(std::span<const std::uint8_t> bytes);
  void on_publish(protocol::publish_packet& publish);
  void handle(protocol::packet& packet);
  void fail(std::string reason);

  asio::any_io_executor executor_;
  link link_;
  client_config config_;
  client_events* events_;
  protocol::decoder decoder_;
  // Every PUBLISH is decoded into this one, reusing its strings' capacity.
  protocol::publish_packet incoming_;
  link::done_handler pending_connack_;
  link::done_handler pending_suback_;
  protocol::qos requested_qos_ = protocol::qos::at_most_once;
  std::uint16_t receive_maximum_ = 65535;
  bool disconnecting_ = false;
  std::string failure_;
  std::atomic<bool> failed_{false};
};

}  // namespace telemq::bench
