#include "tools/telemq-bench/client.hpp"

#include <variant>

namespace telemq::bench {

mqtt_client::mqtt_client(asio::io_context& context, const transport_config& transport,
                         client_config config, client_events* events)
    : executor_(context.get_executor()),
      link_(context, transport),
      config_(std::move(config)),
      events_(events) {
  decoder_.set_version(config_.version);
}

void mqtt_client::connect(link::done_handler on_connack) {
  pending_connack_ = std::move(on_connack);
  link_.connect([this](link::failure failed) {
    if (failed) {
      fail(std::move(*failed));
      return;
    }
    link_.start_reading([this](std::span<const std::uint8_t> bytes) { on_bytes(bytes); },
                        [this](link::failure reason) {
                          if (reason) {
                            fail(std::move(*reason));
                          }
                        });
    protocol::connect_packet connect;
    connect.version = config_.version;
    connect.clean_start = config_.clean_start;
    connect.keep_alive = config_.keep_alive;
    connect.client_id = config_.client_id;
    if (config_.version == protocol::protocol_version::v5) {
      // The broker may send as many unacknowledged messages as it likes: the subscriber acks
      // every read at once, so its own limits are what the benchmark measures.
      connect.props.receive_maximum = 65535;
      if (config_.session_expiry > 0) {
        connect.props.session_expiry_interval = config_.session_expiry;
      }
    }
    protocol::encode(connect, config_.version, link_.out());
    link_.flush();
  });
}

void mqtt_client::subscribe(const std::string& filter, protocol::qos max_qos,
                            link::done_handler on_suback) {
  pending_suback_ = std::move(on_suback);
  requested_qos_ = max_qos;
  protocol::subscribe_packet subscribe;
  subscribe.packet_id = 1;
  subscribe.subscriptions.push_back({filter, {.max_qos = max_qos}});
  protocol::encode(subscribe, config_.version, link_.out());
  link_.flush();
}

void mqtt_client::ping() {
  protocol::encode(protocol::pingreq_packet{}, config_.version, link_.out());
  link_.flush();
}

void mqtt_client::disconnect() {
  if (disconnecting_ || failed()) {
    return;
  }
  disconnecting_ = true;
  protocol::encode(protocol::disconnect_packet{}, config_.version, link_.out());
  link_.close_after_flush();
}

void mqtt_client::on_bytes(std::span<const std::uint8_t> bytes) {
  decoder_.feed(bytes);
  for (auto frame = decoder_.next_frame(); !frame.empty(); frame = decoder_.next_frame()) {
    if (static_cast<protocol::packet_type>(frame[0] >> 4) == protocol::packet_type::publish) {
      if (auto bad = protocol::decode_publish(frame, config_.version, incoming_)) {
        fail("undecodable PUBLISH from broker: " + bad->message);
        return;
      }
      on_publish(incoming_);
    } else {
      auto decoded = protocol::decode_packet(frame, config_.version);
      if (!decoded.ok()) {
        fail("undecodable packet from broker: " + decoded.failure().message);
        return;
      }
      handle(decoded.value());
    }
    if (failed()) {
      return;
    }
  }
  if (auto broken = decoder_.next(); broken && !broken->ok()) {
    fail("undecodable packet from broker: " + broken->failure().message);
    return;
  }
  if (events_ != nullptr) {
    events_->on_read_batch();
  }
  link_.flush();
}

void mqtt_client::on_publish(protocol::publish_packet& publish) {
  if (events_ == nullptr) {
    fail("PUBLISH on a connection that never subscribed");
    return;
  }
  events_->on_publish(publish);
}

void mqtt_client::handle(protocol::packet& packet) {
  using protocol::packet_type;
  const auto ack = [this](packet_type type, const auto& p) {
    if (events_ == nullptr) {
      fail("unexpected " + std::string(protocol::to_string(type)));
      return;
    }
    events_->on_ack(type, p.packet_id, p.reason);
  };
  switch (protocol::type_of(packet)) {
    case packet_type::puback:
      ack(packet_type::puback, std::get<protocol::puback_packet>(packet));
      return;
    case packet_type::pubrec:
      ack(packet_type::pubrec, std::get<protocol::pubrec_packet>(packet));
      return;
    case packet_type::pubrel:
      ack(packet_type::pubrel, std::get<protocol::pubrel_packet>(packet));
      return;
    case packet_type::pubcomp:
      ack(packet_type::pubcomp, std::get<protocol::pubcomp_packet>(packet));
      return;
    case packet_type::connack: {
      const auto& connack = std::get<protocol::connack_packet>(packet);
      auto done = std::move(pending_connack_);
      pending_connack_ = nullptr;
      if (!done) {
        fail("unexpected CONNACK");
        return;
      }
      if (protocol::is_error(connack.reason)) {
        fail("CONNACK refused: " + std::string(protocol::to_string(connack.reason)));
        return;
      }
      if (connack.props.receive_maximum) {
        receive_maximum_ = *connack.props.receive_maximum;
      }
      done(std::nullopt);
      return;
    }
    case packet_type::suback: {
      const auto& suback = std::get<protocol::suback_packet>(packet);
      auto done = std::move(pending_suback_);
      pending_suback_ = nullptr;
      if (!done || suback.reasons.size() != 1) {
        fail("unexpected SUBACK");
        return;
      }
      const auto granted = suback.reasons.front();
      if (protocol::is_error(granted) ||
          static_cast<std::uint8_t>(granted) < static_cast<std::uint8_t>(requested_qos_)) {
        fail("SUBACK granted " + std::string(protocol::to_string(granted)));
        return;
      }
      done(std::nullopt);
      return;
    }
    case packet_type::pingresp:
      return;
    case packet_type::disconnect: {
      const auto& disconnect = std::get<protocol::disconnect_packet>(packet);
      fail("broker sent DISCONNECT: " + std::string(protocol::to_string(disconnect.reason)));
      return;
    }
    default:
      fail("unexpected " + std::string(protocol::to_string(protocol::type_of(packet))));
      return;
  }
}

void mqtt_client::fail(std::string reason) {
  if (failed() || disconnecting_) {
    return;
  }
  failure_ = config_.client_id + ": " + reason;
  failed_.store(true, std::memory_order_release);
  link_.close();
  // Whoever waits for a CONNACK or SUBACK hears about it; the coordinator sees failed().
  for (auto* pending : {&pending_connack_, &pending_suback_}) {
    if (*pending) {
      auto done = std::move(*pending);
      *pending = nullptr;
      done(failure_);
    }
  }
}

}  // namespace telemq::bench
