#pragma once
// The broker's tunable limits and advertised capabilities. Defaults are documented in
// docs/configuration.md; each limit says there what happens when it is reached.
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace telemq::core {

enum class queue_full_policy : unsigned char {
  drop_oldest,  // make room by dropping the oldest queued message
  refuse,  // refuse the new message (5.0 publisher sees 0x97 Quota Exceeded when it is the only
           // target)
};

struct broker_limits {
  std::uint32_t max_packet_size = 1024 * 1024;  // bytes, both directions
  std::uint16_t receive_maximum = 1024;  // QoS 1/2 publishes a client may have unacknowledged
  std::uint16_t max_inflight = 1024;     // QoS 1/2 deliveries to a client not yet acknowledged
  std::uint16_t topic_alias_maximum = 64;
  std::uint16_t max_keep_alive = 65535;  // seconds; 5.0 clients asking more get Server Keep Alive
  std::uint32_t max_session_expiry = 0xFFFFFFFF;    // seconds
  std::size_t max_queued_messages = 10'000;         // per session
  std::size_t max_queued_bytes = 64 * 1024 * 1024;  // per session, payload and topic bytes
  queue_full_policy queue_policy = queue_full_policy::drop_oldest;
  bool queue_qos0_offline = false;             // queue QoS 0 messages for offline sessions
  std::size_t max_write_buffer = 1024 * 1024;  // bytes per connection before the queue is used
  std::size_t max_subscriptions_per_client = 10'000;
  std::size_t max_topic_length = 65535;
  std::size_t max_topic_levels = 128;
  std::size_t max_client_id_length = 65535;
  std::chrono::seconds connect_timeout{10};
  // Per client; 0 is unlimited. A client above either rate (averaged over one second, with one
  // second of burst) is disconnected: 5.0 clients get DISCONNECT 0x96 Message Rate Too High.
  std::uint32_t max_publish_rate = 0;        // PUBLISH packets per second
  std::uint64_t max_publish_bytes_rate = 0;  // PUBLISH bytes (topic + payload) per second
  bool retain_available = true;
  bool wildcard_subscription_available = true;
  bool subscription_identifier_available = true;
  bool shared_subscription_available = true;
};

}  // namespace telemq::core
