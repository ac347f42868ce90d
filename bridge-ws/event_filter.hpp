#pragma once
// What an HTTP client asked to receive and may receive: its topic filters, checked once when the
// stream opens, and its identity, whose read permission is checked for every message as the core
// does for MQTT subscribers.
#include <functional>
#include <string>
#include <vector>

#include "broker/core/access_control.hpp"
#include "broker/core/message.hpp"

namespace telemq::core {
class broker;
}

namespace telemq::bridge_ws {

class event_filter {
 public:
  // filters: valid, non-shared topic filters (the HTTP API checks them).
  event_filter(std::vector<std::string> filters, core::client_identity identity,
               core::access_control& access);

  bool accepts(const core::message& msg, core::timestamp now) const;

  // The retained messages the filters match, each once however many filters match its topic,
  // in topic order.
  std::vector<core::message_ptr> retained(const core::broker& broker, core::timestamp now) const;

  const std::vector<std::string>& filters() const { return filters_; }
  const core::client_identity& identity() const { return identity_; }

 private:
  std::vector<std::string> filters_;
  core::client_identity identity_;
  std::reference_wrapper<core::access_control> access_;
};

}  // namespace telemq::bridge_ws
