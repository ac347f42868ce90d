#include "tools/telemq-bench/subscriber.hpp"

#include <chrono>

#include "tools/telemq-bench/payload.hpp"

namespace telemq::bench {

subscriber::subscriber(asio::io_context& context, const transport_config& transport,
                       client_config config, subscription_plan plan,
                       const std::vector<publisher*>& publishers)
    : client_(context, transport, std::move(config), this),
      plan_(std::move(plan)),
      publishers_(publishers),
      expected_(publishers.size(), false),
      trackers_(publishers.size()),
      qos2_pending_(65536, false) {
  for (const auto id : plan_.sources) {
    expected_[id] = true;
  }
}

void subscriber::on_publish(protocol::publish_packet& publish) {
  using protocol::packet_type;
  // One clock read per socket read: its messages arrived together.
  if (read_ns_ == 0) {
    read_ns_ =
        std::chrono::duration_cast<std::chrono::nanoseconds>(bench_clock::now().time_since_epoch())
            .count();
  }
  const std::int64_t now_ns = read_ns_;
  ++deliveries_;
  switch (publish.qos_level) {
    case protocol::qos::at_most_once:
      count(publish, now_ns);
      return;
    case protocol::qos::at_least_once:
      count(publish, now_ns);
      protocol::encode_ack(packet_type::puback, publish.packet_id, protocol::reason_code::success,
                           client_.version(), client_.wire().out());
      return;
    case protocol::qos::exactly_once:
      // Method B of MQTT 5.0 section 4.3.3: a PUBLISH whose id awaits its PUBREL is the same
      // message again, answered but not delivered twice.
      if (!qos2_pending_[publish.packet_id]) {
        qos2_pending_[publish.packet_id] = true;
        count(publish, now_ns);
      }
      protocol::encode_ack(packet_type::pubrec, publish.packet_id, protocol::reason_code::success,
                           client_.version(), client_.wire().out());
      return;
  }
}

void subscriber::count(const protocol::publish_packet& publish, std::int64_t now_ns) {
  last_delivery_ns_ = now_ns;
  const auto header = read_header(publish.payload);
  if (!header || header->publisher_id >= expected_.size() || !expected_[header->publisher_id]) {
    ++totals_.unexpected;
    return;
  }
  totals_.payload_bytes += publish.payload.size();
  totals_.latency.record(now_ns - header->sent_ns);
  const auto outcome = trackers_[header->publisher_id].record(header->sequence);
  if (!outcome.duplicate) {
    ++distinct_;
  }
  if (outcome.advanced == 0) {
    return;
  }
  publisher& source = *publishers_[header->publisher_id];
  auto& shared = source.stats();
  const std::uint64_t next =
      shared.frontiers[plan_.slot].next.fetch_add(outcome.advanced, std::memory_order_seq_cst) +
      outcome.advanced;
  int waiting_on = static_cast<int>(plan_.slot);
  if (shared.waiting_on.load(std::memory_order_seq_cst) == waiting_on &&
      next >= shared.resume_at.load(std::memory_order_seq_cst) &&
      shared.waiting_on.compare_exchange_strong(waiting_on, -1)) {
    source.wake();
  }
}

void subscriber::on_ack(protocol::packet_type type, std::uint16_t packet_id,
                        protocol::reason_code) {
  if (type != protocol::packet_type::pubrel) {
    return;  // a subscriber sends no PUBLISH, so no other ack can be about its messages
  }
  qos2_pending_[packet_id] = false;
  protocol::encode_ack(protocol::packet_type::pubcomp, packet_id, protocol::reason_code::success,
                       client_.version(), client_.wire().out());
}

void subscriber::on_read_batch() {
  read_ns_ = 0;
  stats_.deliveries.store(deliveries_, std::memory_order_relaxed);
  stats_.distinct.store(distinct_, std::memory_order_relaxed);
  stats_.last_delivery_ns.store(last_delivery_ns_, std::memory_order_relaxed);
}

subscriber_result subscriber::finish() const {
  subscriber_result result = totals_;
  for (const auto id : plan_.sources) {
    result.counts += trackers_[id].finish(publishers_[id]->stats().sent.load());
  }
  return result;
}

}  // namespace telemq::bench
