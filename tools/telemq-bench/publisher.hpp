#pragma once
// A publishing client that sends as fast as three brakes allow, so what is measured is what the
// broker delivers, not what it drops: the QoS 1/2 in-flight limit (never above the broker's
// Receive Maximum), an optional rate, and a delivery window — a publisher pauses while more than
// `window` of its messages are sent but not yet seen by every subscriber that should get them.
#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/telemq-bench/client.hpp"

namespace telemq::bench {

using bench_clock = std::chrono::steady_clock;

// One subscriber's progress through a publisher's stream: the sequence number it expects next.
struct alignas(64) delivery_frontier {
  std::atomic<std::uint64_t> next{0};
};

// Shared by the publisher's thread, its subscribers' threads and the coordinator.
struct alignas(64) publisher_stats {
  explicit publisher_stats(std::uint32_t fan) : frontiers(fan) {}

  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> completed{0};  // PUBACK (QoS 1) or PUBCOMP (QoS 2) received
  std::atomic<std::uint64_t> rejected{0};   // acks with an error reason code
  std::atomic<std::uint64_t> stray{0};      // acks for unknown packet ids, PUBLISH to a publisher
  // One per subscriber slot. The window is measured against the slowest, so no subscriber's
  // queue in the broker ever holds more than `window` of this publisher's messages.
  std::vector<delivery_frontier> frontiers;
  // While paused: the slot of the subscriber being waited for (-1 when running) and the
  // frontier that subscriber must reach for the publisher to resume.
  std::atomic<int> waiting_on{-1};
  std::atomic<std::uint64_t> resume_at{0};
};

struct publish_plan {
  std::uint32_t id = 0;
  std::string topic;
  protocol::qos qos_level = protocol::qos::at_most_once;
  std::size_t payload_size = 64;
  std::uint32_t inflight = 64;
  std::uint64_t window = 128;
  std::uint32_t fan = 1;  // subscribers that receive each message, slots 0 to fan - 1
  double rate = 0;        // messages per second; 0 is as fast as the brakes allow
  std::optional<std::uint64_t> count;
};

class publisher final : public client_events {
 public:
  publisher(asio::io_context& context, const transport_config& transport, client_config config,
            publish_plan plan, const std::atomic<bool>& stop);

  mqtt_client& client() { return client_; }
  publisher_stats& stats() { return stats_; }

  // Both run on the publisher's own executor.
  void start(bench_clock::time_point t0);
  void pump();
  // From any thread: the subscriber that saw the window reopen.
  void wake();

  void on_publish(protocol::publish_packet& publish) override;
  void on_ack(protocol::packet_type type, std::uint16_t packet_id,
              protocol::reason_code reason) override;
  void on_read_batch() override { pump(); }

 private:
  std::uint16_t allocate_packet_id();
  void release(std::uint16_t packet_id, protocol::reason_code reason);
  bool finished_sending() const;
  // How many more messages the slowest subscriber allows, and which slot that is.
  std::uint64_t window_budget(std::size_t& slowest) const;
  // Registers the wait for `slowest`; true when its frontier moved in the meantime, so the
  // publisher goes on instead of sleeping.
  bool pause_on(std::size_t slowest);

  mqtt_client client_;
  publish_plan plan_;
  const std::atomic<bool>& stop_;
  publisher_stats stats_;
  protocol::publish_packet packet_;
  asio::steady_timer pace_timer_;
  bench_clock::time_point t0_;
  bool started_ = false;
  bool timer_armed_ = false;
  std::uint64_t sent_ = 0;
  std::uint32_t inflight_ = 0;
  std::uint32_t inflight_limit_ = 0;
  std::vector<bool> id_in_use_;
  std::uint16_t next_id_ = 1;
};

}  // namespace telemq::bench
