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
  // Key of the message in the store; 0 while it is not stored.
  std::uint64_t id = 0;

  bool expired(timestamp now) const { return expires_at && *expires_at <= now; }
};

using message_ptr = std::shared_ptr<const message>;

}  // namespace telemq::core
