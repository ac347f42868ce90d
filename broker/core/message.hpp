#pragma once
// An application message as the broker holds it: immutable once built and shared by every queue
// and retained slot that refers to it, so a payload exists once however many subscribers get it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "broker/core/time.hpp"
#include "broker/protocol/properties.hpp"
#include "broker/protocol/types.hpp"

namespace telemq::core {

struct message {
  std::string topic;
  std::string payload;
  protocol::qos qos_level = protocol::qos::at_most_once;
  bool retain = false;
  // The 5.0 properties that travel with the message to subscribers (Payload Format Indicator,
  // Content Type, Response Topic, Correlation Data, User Properties); null when there are none.
  // Message Expiry Interval is kept as expires_at and recomputed on every send.
  std::shared_ptr<const protocol::properties> props;
  std::optional<timestamp> expires_at;
  // Key of the message in the store, given when the first stored session queues it; 0 until
  // then. With store_references, the count of stored deliveries that name it, the broker
  // thread tracks whether the store holds the message: a message is immutable to everyone
  // else, and only these two bookkeeping fields change, only on the broker thread.
  mutable std::uint64_t id = 0;
  mutable std::uint32_t store_references = 0;

  bool expired(timestamp now) const { return expires_at && *expires_at <= now; }
};

using message_ptr = std::shared_ptr<const message>;

}  // namespace telemq::core
