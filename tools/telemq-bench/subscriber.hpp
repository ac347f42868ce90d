#pragma once
// A subscribing client that checks every delivery against the publishers' sequence numbers,
// records end-to-end latency from the timestamp in the payload, acknowledges each read's worth
// of QoS 1/2 messages in one write, and reopens publishers' delivery windows.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "tools/telemq-bench/accounting.hpp"
#include "tools/telemq-bench/client.hpp"
#include "tools/telemq-bench/histogram.hpp"
#include "tools/telemq-bench/publisher.hpp"

namespace telemq::bench {

// What the coordinator reads while the run goes on.
struct alignas(64) subscriber_stats {
  std::atomic<std::uint64_t> deliveries{0};  // every PUBLISH, duplicates included
  std::atomic<std::uint64_t> distinct{0};
  std::atomic<std::int64_t> last_delivery_ns{0};  // steady_clock
};

struct subscription_plan {
  std::string filter;
  protocol::qos qos_level = protocol::qos::at_most_once;
  std::vector<std::uint32_t> sources;  // ids of the publishers whose messages it must get
  std::size_t slot = 0;                // its frontier's index at each of those publishers
};

struct subscriber_result {
  delivery_counts counts;
  std::uint64_t unexpected = 0;  // payloads that are not from an expected publisher
  std::uint64_t payload_bytes = 0;
  histogram latency;
};

class subscriber final : public client_events {
 public:
  // `publishers` is indexed by publisher id and outlives the subscriber.
  subscriber(asio::io_context& context, const transport_config& transport, client_config config,
             subscription_plan plan, const std::vector<publisher*>& publishers);

  mqtt_client& client() { return client_; }
  const subscription_plan& plan() const { return plan_; }
  subscriber_stats& stats() { return stats_; }
  // Only once the client's thread has stopped.
  subscriber_result finish() const;

  void on_publish(protocol::publish_packet& publish) override;
  void on_ack(protocol::packet_type type, std::uint16_t packet_id,
              protocol::reason_code reason) override;
  void on_read_batch() override;

 private:
  void count(const protocol::publish_packet& publish, std::int64_t now_ns);

  mqtt_client client_;
  subscription_plan plan_;
  const std::vector<publisher*>& publishers_;
  std::vector<bool> expected_;  // by publisher id
  std::vector<sequence_tracker> trackers_;
  std::vector<bool> qos2_pending_;  // ids between PUBREC and PUBREL: a resend is not new
  subscriber_stats stats_;
  subscriber_result totals_;
  std::uint64_t deliveries_ = 0;
  std::uint64_t distinct_ = 0;
  std::int64_t last_delivery_ns_ = 0;
  std::int64_t read_ns_ = 0;  // when the current read arrived; 0 between reads
};

}  // namespace telemq::bench
