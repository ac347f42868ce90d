// Routing a published message: find every subscription that matches, merge overlapping ones
// into one delivery per session, pick one member of each shared group, and hand the message to
// each target session.
#include <algorithm>

#include "broker/core/broker_impl.hpp"

namespace telemq::core {

using protocol::qos;

namespace {

qos lower(qos a, qos b) {
  return static_cast<qos>(std::min(static_cast<int>(a), static_cast<int>(b)));
}
qos higher(qos a, qos b) {
  return static_cast<qos>(std::max(static_cast<int>(a), static_cast<int>(b)));
}

}  // namespace

void broker::impl::set_retained(const std::shared_ptr<message>& msg) {
  if (msg->payload.empty()) {
    // A retained message with an empty payload removes the topic's retained message and is
    // not stored itself [MQTT-3.3.1-10/11].
    if (retained.erase(msg->topic)) {
      storage.delete_retained(msg->topic);
    }
  } else {
    retained.set(msg);
    storage.save_retained(msg);
  }
  stats.retained_messages = retained.size();
}

route_outcome broker::impl::route(const std::shared_ptr<message>& msg, const session* publisher,
                                  timestamp now) {
  for (const auto& observe : observers) {
    observe(msg);
  }
  auto& targets = route_scratch;
  targets.clear();
  subscriptions.match(
      msg->topic,
      [&](const subscription_entry& entry) {
        if (entry.options.no_local && entry.owner == publisher) {
          return;  // [MQTT-3.8.3-3]
        }
        route_target t{entry.owner,
                       lower(msg->qos_level, entry.options.max_qos),
                       entry.options.retain_as_published,
                       false,
                       {}};
        if (entry.identifier != 0) {
          t.identifiers.push_back(entry.identifier);
        }
        targets.push_back(std::move(t));
      },
      [&](shared_group& group) {
        // Round robin over the members that are online; when none is, the next member's
        // session queues the message.
        const std::size_t n = group.members.size();
        if (n == 0) {
          return;
        }
        std::size_t pick = group.next % n;
        for (std::size_t i = 0; i < n; ++i) {
          const std::size_t candidate = (group.next + i) % n;
          if (group.members[candidate].owner->online()) {
            pick = candidate;
            break;
          }
        }
        group.next = (pick + 1) % n;
        const subscription_entry& entry = group.members[pick];
        route_target t{entry.owner,
                       lower(msg->qos_level, entry.options.max_qos),
                       entry.options.retain_as_published,
                       true,
                       {}};
        if (entry.identifier != 0) {
          t.identifiers.push_back(entry.identifier);
        }
        targets.push_back(std::move(t));
      });

  if (targets.empty()) {
    return route_outcome::no_subscribers;
  }
  // Overlapping subscriptions of one session give one delivery at the highest QoS, carrying
  // every matching Subscription Identifier (MQTT 5.0 section 3.3.4). Shared subscriptions
  // stay separate deliveries.
  if (targets.size() > 1) {
    std::sort(targets.begin(), targets.end(), [](const route_target& a, const route_target& b) {
      return std::tie(a.target, a.shared) < std::tie(b.target, b.shared);
    });
    std::size_t out = 0;
    for (std::size_t i = 1; i < targets.size(); ++i) {
      route_target& kept = targets[out];
      route_target& next = targets[i];
      if (!kept.shared && !next.shared && kept.target == next.target) {
        kept.qos_level = higher(kept.qos_level, next.qos_level);
        kept.retain_as_published = kept.retain_as_published || next.retain_as_published;
        kept.identifiers.insert(kept.identifiers.end(), next.identifiers.begin(),
                                next.identifiers.end());
      } else if (++out != i) {
        // Never onto itself: a moved-onto-itself vector of identifiers comes out empty.
        targets[out] = std::move(next);
      }
    }
    targets.resize(out + 1);
  }

  std::size_t refused = 0;
  std::size_t delivered = 0;
  for (route_target& t : targets) {
    session& s = *t.target;
    if (!may(s, msg->topic, access::read)) {
      continue;
    }
    const bool retain_flag = t.retain_as_published && msg->retain;
    if (deliver(s, msg, t.qos_level, retain_flag, std::move(t.identifiers), now)) {
      ++delivered;
    } else {
      ++refused;
    }
  }
  if (delivered == 0 && refused > 0) {
    return route_outcome::quota_exceeded;
  }
  return route_outcome::delivered;
}

}  // namespace telemq::core
