#include "tools/telemq-bench/publisher.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "tools/telemq-bench/payload.hpp"

namespace telemq::bench {

namespace {

// Big enough that a write carries hundreds of small PUBLISH packets, small enough that a
// paused socket never hoards more than a moment of traffic.
constexpr std::size_t batch_bytes = 64 * 1024;

}  // namespace

publisher::publisher(asio::io_context& context, const transport_config& transport,
                     client_config config, publish_plan plan, const std::atomic<bool>& stop)
    : client_(context, transport, std::move(config), this),
      plan_(std::move(plan)),
      stop_(stop),
      stats_(plan_.fan),
      pace_timer_(context),
      id_in_use_(65536, false) {
  packet_.topic = plan_.topic;
  packet_.qos_level = plan_.qos_level;
  packet_.payload.assign(std::max(plan_.payload_size, payload_header_size), 'x');
  client_.wire().set_on_written([this] { pump(); });
}

void publisher::start(bench_clock::time_point t0) {
  t0_ = t0;
  started_ = true;
  inflight_limit_ = std::min<std::uint32_t>(plan_.inflight, client_.receive_maximum());
  pump();
}

std::uint64_t publisher::window_budget(std::size_t& slowest) const {
  std::uint64_t least = UINT64_MAX;
  for (std::size_t slot = 0; slot < stats_.frontiers.size(); ++slot) {
    const std::uint64_t next = stats_.frontiers[slot].next.load(std::memory_order_acquire);
    if (next < least) {
      least = next;
      slowest = slot;
    }
  }
  const std::uint64_t outstanding = sent_ - std::min(least, sent_);
  return outstanding >= plan_.window ? 0 : plan_.window - outstanding;
}

bool publisher::pause_on(std::size_t slowest) {
  // Resume once half the window is free, so a wake-up buys a batch rather than one message.
  const std::uint64_t resume = sent_ - std::min(sent_, plan_.window / 2);
  stats_.resume_at.store(resume, std::memory_order_seq_cst);
  stats_.waiting_on.store(static_cast<int>(slowest), std::memory_order_seq_cst);
  // Look again after announcing the wait: a subscriber that moved before it could see the
  // announcement will not wake us, so this look must.
  if (stats_.frontiers[slowest].next.load(std::memory_order_seq_cst) < resume) {
    return false;
  }
  int expected = static_cast<int>(slowest);
  // Losing this race means a subscriber claimed the wake-up and a pump is already posted.
  return stats_.waiting_on.compare_exchange_strong(expected, -1);
}

bool publisher::finished_sending() const {
  return stop_.load(std::memory_order_relaxed) || (plan_.count && sent_ >= *plan_.count);
}

void publisher::pump() {
  if (!started_ || client_.failed()) {
    return;
  }
  auto& out = client_.wire().out();
  const bool acked = plan_.qos_level != protocol::qos::at_most_once;
  // With a rate, only the messages whose time has come may go; the rest wait for the timer.
  std::uint64_t due = UINT64_MAX;
  if (plan_.rate > 0) {
    const std::chrono::duration<double> since = bench_clock::now() - t0_;
    due = static_cast<std::uint64_t>(since.count() * plan_.rate) + 1;
  }
  std::size_t slowest = 0;
  std::uint64_t budget = window_budget(slowest);
  // One clock read per burst: the burst leaves in one write, so its messages are sent together.
  const std::int64_t sent_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(bench_clock::now().time_since_epoch())
          .count();
  while (out.size() < batch_bytes && !finished_sending()) {
    if (acked && inflight_ >= inflight_limit_) {
      break;  // the next ack pumps again
    }
    if (sent_ >= due) {
      if (!timer_armed_) {
        timer_armed_ = true;
        const auto at =
            t0_ + std::chrono::duration_cast<bench_clock::duration>(
                      std::chrono::duration<double>(static_cast<double>(sent_) / plan_.rate));
        pace_timer_.expires_at(at);
        pace_timer_.async_wait([this](const boost::system::error_code& ec) {
          timer_armed_ = false;
          if (!ec) {
            pump();
          }
        });
      }
      break;
    }
    if (budget == 0) {
      if (!pause_on(slowest)) {
        break;  // the slowest subscriber wakes us
      }
      budget = window_budget(slowest);
      continue;
    }
    --budget;
    if (acked) {
      packet_.packet_id = allocate_packet_id();
      ++inflight_;
    }
    write_header(packet_.payload, {plan_.id, static_cast<std::uint32_t>(sent_), sent_ns});
    protocol::encode_publish(packet_, client_.version(), out);
    ++sent_;
    stats_.sent.store(sent_, std::memory_order_relaxed);
  }
  client_.wire().flush();
}

void publisher::wake() {
  asio::post(client_.executor(), [this] { pump(); });
}

std::uint16_t publisher::allocate_packet_id() {
  // In-flight ids are few and mostly released in order, so the scan ends almost at once.
  while (id_in_use_[next_id_]) {
    next_id_ = next_id_ == 65535 ? 1 : next_id_ + 1;
  }
  const std::uint16_t id = next_id_;
  id_in_use_[id] = true;
  next_id_ = next_id_ == 65535 ? 1 : next_id_ + 1;
  return id;
}

void publisher::release(std::uint16_t packet_id, protocol::reason_code reason) {
  id_in_use_[packet_id] = false;
  --inflight_;
  if (protocol::is_error(reason)) {
    stats_.rejected.fetch_add(1, std::memory_order_relaxed);
  }
  stats_.completed.fetch_add(1, std::memory_order_relaxed);
}

void publisher::on_publish(protocol::publish_packet&) {
  stats_.stray.fetch_add(1, std::memory_order_relaxed);
}

void publisher::on_ack(protocol::packet_type type, std::uint16_t packet_id,
                       protocol::reason_code reason) {
  using protocol::packet_type;
  const bool expected =
      id_in_use_[packet_id] &&
      ((type == packet_type::puback && plan_.qos_level == protocol::qos::at_least_once) ||
       ((type == packet_type::pubrec || type == packet_type::pubcomp) &&
        plan_.qos_level == protocol::qos::exactly_once));
  if (!expected) {
    stats_.stray.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (type == packet_type::pubrec && !protocol::is_error(reason)) {
    protocol::encode_ack(packet_type::pubrel, packet_id, protocol::reason_code::success,
                         client_.version(), client_.wire().out());
    return;  // the id stays in use until PUBCOMP
  }
  release(packet_id, reason);
}

}  // namespace telemq::bench
