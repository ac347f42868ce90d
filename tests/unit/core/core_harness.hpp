#pragma once
// A scripted peer for the sans-I/O broker: a fake link that captures what the broker writes,
// a fake clock the test moves by hand, and a client that speaks in packets.
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "broker/core/broker.hpp"
#include "broker/core/memory_store.hpp"
#include "broker/protocol/codec.hpp"

namespace telemq::core::testing {

using namespace protocol;
using namespace std::chrono_literals;

class fake_link final : public link {
 public:
  byte_buffer& output() override { return out; }
  void flush() override {}
  std::size_t unsent_bytes() const override { return out.size() + stuck_bytes; }
  void close() override { closed = true; }

  byte_buffer out;
  std::size_t stuck_bytes = 0;  // pretend a write is blocked on a slow socket
  bool closed = false;
};

// A store that keeps writes pending until the test releases them, to check that
// acknowledgements wait for durability.
class gated_store final : public store {
 public:
  store_snapshot load() override { return {}; }
  void save_session(const stored_session&) override { write(); }
  void delete_session(const std::string&) override { write(); }
  void save_subscription(const stored_subscription&) override { write(); }
  void delete_subscription(const std::string&, const std::string&) override { write(); }
  void save_retained(const message_ptr&) override { write(); }
  void delete_retained(const std::string&) override { write(); }
  void save_message(const message_ptr&) override { write(); }
  void save_delivery(const stored_delivery&) override { write(); }
  void delete_delivery(const std::string&, std::uint64_t) override { write(); }
  void save_incoming_qos2(const std::string&, std::uint16_t) override { write(); }
  void delete_incoming_qos2(const std::string&, std::uint16_t) override { write(); }
  void after_durable(std::function<void()> done) override {
    if (pending == 0) {
      done();
    } else {
      waiting.push_back(std::move(done));
    }
  }
  bool has_pending_writes() const override { return pending > 0; }

  void commit() {
    pending = 0;
    auto ready = std::move(waiting);
    waiting.clear();
    for (auto& done : ready) {
      done();
    }
  }
  std::size_t writes = 0;
  std::size_t pending = 0;
  std::vector<std::function<void()>> waiting;

 private:
  void write() {
    ++writes;
    ++pending;
  }
};

struct harness {
  explicit harness(broker_limits limits = {}, store* custom_store = nullptr)
      : storage(custom_store != nullptr ? custom_store : &memory),
        engine(
            limits, *storage, access,
            [this](log_level, std::string_view line) { log.emplace_back(line); }, now) {}

  void advance(std::chrono::milliseconds by) {
    now += by;
    engine.tick(now);
  }

  timestamp now = timestamp{} + std::chrono::hours(24 * 365 * 50);
  memory_store memory;
  store* storage;
  allow_all access;
  std::vector<std::string> log;
  broker engine;
};

class client {
 public:
  client(harness& h, protocol_version version = protocol_version::v5)
      : h_(h), version_(version), link_(std::make_unique<fake_link>()) {
    conn_ = h_.engine.open(*link_, connection_info{"127.0.0.1:5555", "test", true, ""}, h_.now);
    decoder_.set_version(version);
  }
  ~client() { drop(); }

  void send(const packet& p) {
    byte_buffer bytes;
    encode(p, version_, bytes);
    send_bytes(bytes);
  }
  void send_bytes(std::span<const std::uint8_t> bytes) {
    if (conn_) {
      conn_->on_bytes(bytes, h_.now);
    }
  }

  // CONNECT and expect a successful CONNACK; returns it.
  connack_packet connect(const std::string& id, bool clean = true,
                         std::optional<std::uint32_t> expiry = std::nullopt,
                         std::optional<will_message> will = std::nullopt,
                         std::uint16_t keep_alive = 0) {
    connect_packet p;
    p.version = version_;
    p.client_id = id;
    p.clean_start = clean;
    p.keep_alive = keep_alive;
    p.will = std::move(will);
    if (expiry) {
      p.props.session_expiry_interval = *expiry;
    }
    send(p);
    auto ack = expect<connack_packet>();
    EXPECT_EQ(ack.reason, reason_code::success);
    return ack;
  }

  void subscribe(const std::string& filter, qos level = qos::at_least_once,
                 subscribe_options options = {}, std::uint32_t identifier = 0) {
    options.max_qos = level;
    subscribe_packet p{.packet_id = next_id(), .subscriptions = {{filter, options}}, .props = {}};
    if (identifier != 0) {
      p.props.subscription_identifiers.push_back(identifier);
    }
    send(p);
    auto ack = expect<suback_packet>();
    EXPECT_EQ(ack.packet_id, p.packet_id);
  }

  std::uint16_t publish(const std::string& topic, const std::string& payload,
                        qos level = qos::at_most_once, bool retain = false, properties props = {}) {
    publish_packet p{topic, payload, level, retain, false, 0, std::move(props)};
    if (level != qos::at_most_once) {
      p.packet_id = next_id();
    }
    send(p);
    return p.packet_id;
  }

  // Every packet the broker wrote since the last call.
  std::vector<packet> received() {
    pull();
    std::vector<packet> all(std::make_move_iterator(inbox_.begin()),
                            std::make_move_iterator(inbox_.end()));
    inbox_.clear();
    return all;
  }

  template <typename P>
  P expect() {
    pull();
    if (inbox_.empty()) {
      ADD_FAILURE() << "expected a packet, got nothing";
      return P{};
    }
    packet p = std::move(inbox_.front());
    inbox_.pop_front();
    if (!std::holds_alternative<P>(p)) {
      ADD_FAILURE() << "expected another packet type, got " << to_string(type_of(p));
      return P{};
    }
    return std::get<P>(std::move(p));
  }

  bool nothing_received() {
    pull();
    return inbox_.empty();
  }

  bool closed() const { return link_->closed; }

  // The transport reports the socket gone (after close(), or abruptly).
  void drop() {
    if (conn_) {
      conn_->on_closed(h_.now);
      conn_.reset();
    }
  }

  fake_link& transport() { return *link_; }
  connection& conn() { return *conn_; }

 private:
  void pull() {
    decoder_.feed(link_->out);
    link_->out.clear();
    while (auto next = decoder_.next()) {
      EXPECT_TRUE(next->ok()) << next->failure().message;
      if (!next->ok()) {
        break;
      }
      inbox_.push_back(std::move(next->value()));
    }
  }
  std::uint16_t next_id() { return next_packet_id_++; }

  harness& h_;
  protocol_version version_;
  std::unique_ptr<fake_link> link_;
  connection_ptr conn_;
  decoder decoder_;
  std::deque<packet> inbox_;
  std::uint16_t next_packet_id_ = 1;
};

}  // namespace telemq::core::testing
