// Fuzz target for the whole connection state machine: bytes in, core::broker, bytes out, with up
// to four connections interleaved the way a transport would drive them.
//
// Input: one configuration byte, then operations. The configuration picks tight or default
// limits, the queue policy, whether commits wait (a store whose barriers the input releases),
// whether access control refuses some clients and topics, and which listeners admit anonymous
// clients. Each operation is one byte, its low two bits naming a connection slot:
//   0-39   data: the next byte is a length, then that many bytes for the slot's connection
//          (opened on first use, reopened after a close)
//   40-43  the peer closes the socket
//   44-47  time passes: the next byte times 250 ms, then tick()
//   48-51  the socket stops draining: the next byte times 1 KiB stays unsent
//   52-55  the socket drains everything and on_writable() runs
//   56-57  the store commits what waits for durability
//   58-59  the broker publishes a message itself ($SYS, the HTTP bridge)
//   60-61  an operator disconnects the slot's client or deletes its session
//   62-63  the operator reads sessions, subscriptions and retained messages
//
// Besides sanitizer findings, it aborts when the broker breaks a rule a client can see: the first
// packet it sends is not CONNACK [MQTT-3.2.0-1], it sends bytes that do not decode as packets of
// the connection's version, it sends a packet larger than a 5.0 client's Maximum Packet Size
// [MQTT-3.1.2-24], or it keeps writing to a connection it asked to close beyond the packet that
// explains why.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "broker/core/broker.hpp"
#include "broker/core/memory_store.hpp"
#include "broker/protocol/codec.hpp"

namespace {

using namespace telemq;
using protocol::protocol_version;

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "connection_fuzz invariant broken: %s: %s\n", what, detail.c_str());
  std::abort();
}

class input_reader {
 public:
  explicit input_reader(std::span<const std::uint8_t> data) : data_(data) {}
  bool empty() const { return data_.empty(); }
  std::uint8_t byte() {
    if (data_.empty()) {
      return 0;
    }
    const std::uint8_t b = data_.front();
    data_ = data_.subspan(1);
    return b;
  }
  std::span<const std::uint8_t> take(std::size_t n) {
    n = std::min(n, data_.size());
    auto part = data_.first(n);
    data_ = data_.subspan(n);
    return part;
  }

 private:
  std::span<const std::uint8_t> data_;
};

class fuzz_link final : public core::link {
 public:
  protocol::byte_buffer& output() override { return out; }
  void flush() override {}
  std::size_t unsent_bytes() const override { return out.size() + stuck; }
  void close() override { closing = true; }

  protocol::byte_buffer out;
  std::size_t stuck = 0;
  bool closing = false;
};

// A store whose barriers wait until the input commits, so held acknowledgements meet closes,
// takeovers and expiries in every order.
class gated_store final : public core::store {
 public:
  core::store_snapshot load() override { return {}; }
  void save_session(const core::stored_session&) override { pending = true; }
  void delete_session(const std::string&) override { pending = true; }
  void save_subscription(const core::stored_subscription&) override { pending = true; }
  void delete_subscription(const std::string&, const std::string&) override { pending = true; }
  void save_retained(const core::message_ptr&) override { pending = true; }
  void delete_retained(const std::string&) override { pending = true; }
  void save_message(const core::message_ptr&) override { pending = true; }
  void save_delivery(const core::stored_delivery&) override { pending = true; }
  void delete_delivery(const std::string&, std::uint64_t) override { pending = true; }
  void save_incoming_qos2(const std::string&, std::uint16_t) override { pending = true; }
  void delete_incoming_qos2(const std::string&, std::uint16_t) override { pending = true; }
  void after_durable(std::function<void()> done) override {
    if (pending) {
      waiting.push_back(std::move(done));
    } else {
      done();
    }
  }
  bool has_pending_writes() const override { return pending; }

  void commit() {
    pending = false;
    // Callbacks may register new barriers; those wait for the next commit.
    auto ready = std::move(waiting);
    waiting.clear();
    for (auto& done : ready) {
      done();
    }
  }

 private:
  bool pending = false;
  std::vector<std::function<void()>> waiting;
};

// Refuses the username "deny" and any topic or filter starting with "deny", so refusal paths
// (CONNACK 0x87, PUBACK 0x87, SUBACK 0x87, skipped deliveries and wills) are reached.
class picky_access final : public core::access_control {
 public:
  std::optional<protocol::reason_code> authenticate(const core::connection_info& connection,
                                                    std::string_view,
                                                    const std::optional<std::string>& username,
                                                    const std::optional<std::string>&) override {
    if (username == "deny") {
      return protocol::reason_code::bad_user_name_or_password;
    }
    if (!username && !connection.allow_anonymous) {
      return protocol::reason_code::not_authorized;
    }
    return std::nullopt;
  }
  bool allowed(core::client_view, std::string_view topic, core::access) override {
    return !topic.starts_with("deny");
  }
};

// What the client on the other end of a connection would read.
class output_checker {
 public:
  void check(std::span<const std::uint8_t> bytes, bool closing) {
    if (bytes.empty()) {
      return;
    }
    if (after_close_) {
      fail("bytes written after the connection was asked to close", std::to_string(bytes.size()));
    }
    if (!version_) {
      if (bytes[0] != 0x20 || bytes.size() < 2) {
        fail("first packet is not CONNACK [MQTT-3.2.0-1]", std::to_string(bytes[0]));
      }
      // A 3.1.1 CONNACK has exactly two bytes after its fixed header; a 5.0 one has more.
      version_ = bytes[1] == 2 ? protocol_version::v3_1_1 : protocol_version::v5;
      decoder_.set_version(*version_);
    }
    decoder_.feed(bytes);
    while (auto next = decoder_.next()) {
      if (!next->ok()) {
        fail("the broker sent bytes that do not decode", next->failure().message);
      }
    }
    // close() flushes what was written before it; nothing may follow.
    after_close_ = closing;
  }
  void limit_packet_size(std::uint32_t bytes) { decoder_.set_max_packet_size(bytes); }

 private:
  std::optional<protocol_version> version_;
  protocol::decoder decoder_;
  bool after_close_ = false;
};

struct slot {
  std::unique_ptr<fuzz_link> link;
  core::connection_ptr conn;
  // The broker's input, decoded again to learn what CONNECT asked for.
  std::unique_ptr<protocol::decoder> shadow;
  bool saw_connect = false;
  output_checker output;
};

class session_driver {
 public:
  session_driver(std::uint8_t config, core::broker_limits limits)
      : config_(config),
        store_(config & 0x10 ? static_cast<core::store*>(&gated_) : &memory_),
        access_(config & 0x20 ? static_cast<core::access_control*>(&picky_) : &allow_all_),
        engine_(
            limits, *store_, *access_, [](core::log_level, std::string_view) {}, now_) {
    engine_.restore(now_);
  }

  ~session_driver() {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      close(i);
    }
  }

  void data(std::size_t i, std::span<const std::uint8_t> bytes) {
    slot& s = slots_[i];
    if (!s.conn) {
      open(i);
    }
    // A transport stops feeding a connection once the core asked to close it.
    if (s.link->closing) {
      return;
    }
    if (!s.saw_connect) {
      s.shadow->feed(bytes);
      if (auto first = s.shadow->next(); first && first->ok()) {
        s.saw_connect = true;
        if (const auto* connect = std::get_if<protocol::connect_packet>(&first->value())) {
          if (connect->version == protocol_version::v5 && connect->props.maximum_packet_size) {
            s.output.limit_packet_size(*connect->props.maximum_packet_size);
          }
        }
      } else if (first) {
        s.saw_connect = true;  // the broker refuses the stream; nothing more to learn
      }
    }
    s.conn->on_bytes(bytes, now_);
  }

  void close(std::size_t i) {
    slot& s = slots_[i];
    if (s.conn) {
      s.conn->on_closed(now_);
      s.conn.reset();
      s.link.reset();
      s.shadow.reset();
    }
  }

  void tick(std::uint8_t quarters) {
    now_ += std::chrono::milliseconds(250) * quarters;
    engine_.tick(now_);
  }

  void stall(std::size_t i, std::uint8_t kib) {
    if (slots_[i].link) {
      slots_[i].link->stuck = static_cast<std::size_t>(kib) * 1024;
    }
  }

  void drain(std::size_t i) {
    slot& s = slots_[i];
    if (!s.link) {
      return;
    }
    s.link->stuck = 0;
    check_output(s);
    if (!s.link->closing) {
      s.conn->on_writable(now_);
    }
  }

  void commit() { gated_.commit(); }

  void broker_publish(std::span<const std::uint8_t> bytes) {
    auto msg = std::make_shared<core::message>();
    msg->topic = bytes.empty() || bytes[0] % 2 == 0 ? "$SYS/broker/uptime" : "a/b";
    msg->payload.assign(bytes.begin(), bytes.end());
    msg->qos_level = static_cast<protocol::qos>(bytes.empty() ? 0 : bytes[0] % 3);
    msg->retain = !bytes.empty() && bytes[0] & 4;
    engine_.publish(msg, now_);
  }

  void administer(std::size_t i, bool remove) {
    const slot& s = slots_[i];
    const std::string id = s.conn ? s.conn->client_id() : std::string("fuzz");
    if (remove) {
      engine_.delete_session(id, now_);
    } else {
      engine_.disconnect_client(id, now_);
    }
  }

  void inspect() {
    std::size_t seen = engine_.sessions().size() + engine_.subscriptions().size();
    engine_.retained_messages("#", [&seen](const core::message_ptr&) { ++seen; });
    for (const auto& info : engine_.sessions()) {
      seen += engine_.find_session(info.client_id) ? 1 : 0;
    }
    if (seen == static_cast<std::size_t>(-1)) {
      fail("impossible", "");
    }
  }

  // What a transport does after every event: write what the core queued, unless the socket is
  // stalled, and tell the core the socket is writable again.
  void settle() {
    for (slot& s : slots_) {
      if (s.link && s.link->stuck == 0) {
        check_output(s);
        if (!s.link->closing) {
          s.conn->on_writable(now_);
          check_output(s);
        }
      }
    }
  }

 private:
  void open(std::size_t i) {
    slot& s = slots_[i];
    s.link = std::make_unique<fuzz_link>();
    s.shadow = std::make_unique<protocol::decoder>(engine_.limits().max_packet_size);
    s.saw_connect = false;
    s.output = output_checker{};
    // Slot 3 is a listener on a public address: anonymous clients need the configuration's
    // consent, which bit 6 gives.
    const bool anonymous = i != 3 || (config_ & 0x40) != 0;
    s.conn = engine_.open(
        *s.link,
        core::connection_info{"127.0.0.1:" + std::to_string(40000 + i), "mqtt://fuzz", anonymous,
                              i == 2 && (config_ & 0x80) ? "device-cert" : ""},
        now_);
  }

  void check_output(slot& s) {
    s.output.check(s.link->out, s.link->closing);
    s.link->out.clear();
  }

  std::uint8_t config_;
  core::timestamp now_ = core::timestamp{} + std::chrono::hours(24 * 365 * 50);
  core::memory_store memory_;
  gated_store gated_;
  core::store* store_;
  core::allow_all allow_all_;
  picky_access picky_;
  core::access_control* access_;
  core::broker engine_;
  std::array<slot, 4> slots_;
};

core::broker_limits limits_for(std::uint8_t config) {
  core::broker_limits limits;
  if (config & 0x01) {
    // Tight limits, so every "limit reached" path is a few bytes away.
    limits.max_packet_size = 200;
    limits.receive_maximum = 2;
    limits.max_inflight = 2;
    limits.topic_alias_maximum = 2;
    limits.max_keep_alive = 5;
    limits.max_session_expiry = 10;
    limits.max_queued_messages = 3;
    limits.max_queued_bytes = 256;
    limits.max_write_buffer = 128;
    limits.max_subscriptions_per_client = 3;
    limits.max_topic_length = 24;
    limits.max_topic_levels = 4;
    limits.max_client_id_length = 23;
    limits.connect_timeout = std::chrono::seconds(2);
  }
  if (config & 0x02) {
    limits.queue_policy = core::queue_full_policy::refuse;
  }
  if (config & 0x04) {
    limits.queue_qos0_offline = true;
  }
  if (config & 0x08) {
    limits.retain_available = false;
    limits.wildcard_subscription_available = false;
    limits.subscription_identifier_available = false;
    limits.shared_subscription_available = false;
  }
  return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  input_reader in({data, size});
  const std::uint8_t config = in.byte();
  session_driver driver(config, limits_for(config));
  while (!in.empty()) {
    const std::uint8_t op = in.byte();
    const std::size_t i = op & 0x03;
    const unsigned kind = op >> 2;
    if (kind < 40) {
      driver.data(i, in.take(in.byte()));
    } else if (kind < 44) {
      driver.close(i);
    } else if (kind < 48) {
      driver.tick(in.byte());
    } else if (kind < 52) {
      driver.stall(i, in.byte());
    } else if (kind < 56) {
      driver.drain(i);
    } else if (kind < 58) {
      driver.commit();
    } else if (kind < 60) {
      driver.broker_publish(in.take(in.byte() % 16));
    } else if (kind < 62) {
      driver.administer(i, kind == 61);
    } else {
      driver.inspect();
    }
    driver.settle();
  }
  return 0;
}
