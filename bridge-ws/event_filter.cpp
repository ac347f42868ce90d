#include "bridge-ws/event_filter.hpp"

#include <algorithm>

#include "broker/core/broker.hpp"
#include "broker/protocol/topic.hpp"

namespace telemq::bridge_ws {

event_filter::event_filter(std::vector<std::string> filters, core::client_identity identity,
                           core::access_control& access)
    : filters_(std::move(filters)), identity_(std::move(identity)), access_(access) {}

bool event_filter::accepts(const core::message& msg, core::timestamp now) const {
  if (msg.expired(now)) {
    return false;
  }
  const bool matched = std::any_of(filters_.begin(), filters_.end(), [&](const std::string& f) {
    return protocol::topic_matches(f, msg.topic);
  });
  return matched && access_.get().allowed(identity_, msg.topic, core::access::read);
}

std::vector<core::message_ptr> event_filter::retained(const core::broker& broker,
                                                      core::timestamp now) const {
  std::vector<core::message_ptr> out;
  for (const auto& filter : filters_) {
    broker.retained_messages(filter, [&](const core::message_ptr& msg) {
      if (!msg->expired(now) && access_.get().allowed(identity_, msg->topic, core::access::read)) {
        out.push_back(msg);
      }
    });
  }
  const auto by_topic = [](const core::message_ptr& a, const core::message_ptr& b) {
    return a->topic < b->topic;
  };
  std::sort(out.begin(), out.end(), by_topic);
  out.erase(std::unique(out.begin(), out.end(),
                        [](const auto& a, const auto& b) { return a->topic == b->topic; }),
            out.end());
  return out;
}

}  // namespace telemq::bridge_ws
