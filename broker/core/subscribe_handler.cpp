// SUBSCRIBE and UNSUBSCRIBE: per-filter checks answered with per-filter reason codes, the
// subscription index, and retained messages sent after the SUBACK.
#include <fmt/format.h>

#include <algorithm>

#include "broker/core/broker_impl.hpp"
#include "broker/protocol/topic.hpp"

namespace telemq::core {

using protocol::protocol_version;
using protocol::qos;
using protocol::reason_code;

namespace {

bool has_wildcard(std::string_view filter) {
  return filter.find_first_of("+#") != std::string_view::npos;
}

reason_code granted(qos level) {
  return static_cast<reason_code>(static_cast<int>(level));
}

}  // namespace

void broker::impl::on_subscribe(connection_state& c, protocol::subscribe_packet&& p,
                                timestamp now) {
  session& s = *c.owner;
  const bool v5 = c.version == protocol_version::v5;
  std::uint32_t identifier = 0;
  if (!p.props.subscription_identifiers.empty()) {
    if (!limits.subscription_identifier_available) {
      fail(c, reason_code::subscription_identifiers_not_supported,
           "Subscription Identifier while Subscription Identifier Available is 0");
      return;
    }
    identifier = p.props.subscription_identifiers.front();
  }

  struct retained_request {
    std::string filter;
    qos granted_qos;
    bool retain_as_published;
  };
  std::vector<retained_request> retained_requests;
  protocol::suback_packet ack{.packet_id = p.packet_id, .reasons = {}, .props = {}};
  ack.reasons.reserve(p.subscriptions.size());

  for (auto& request : p.subscriptions) {
    const std::string& filter = request.filter;
    reason_code result = reason_code::unspecified_error;
    const auto shared = protocol::parse_shared_filter(filter);
    if (auto invalid = protocol::validate_topic_filter(filter)) {
      result = reason_code::topic_filter_invalid;
      log(log_level::info,
          "event=subscribe_refused client_id={} filter={} "
          "reason=\"{}\"",
          s.client_id, filter, invalid->message);
    } else if (filter.size() > limits.max_topic_length ||
               static_cast<std::size_t>(std::count(filter.begin(), filter.end(), '/')) + 1 >
                   limits.max_topic_levels) {
      result = reason_code::topic_filter_invalid;
    } else if (shared && !limits.shared_subscription_available) {
      result = reason_code::shared_subscriptions_not_supported;
    } else if (has_wildcard(shared ? shared->filter : std::string_view(filter)) &&
               !limits.wildcard_subscription_available) {
      result = reason_code::wildcard_subscriptions_not_supported;
    } else if (!s.subscriptions.contains(filter) &&
               s.subscriptions.size() >= limits.max_subscriptions_per_client) {
      result = reason_code::quota_exceeded;
    } else if (!may(s, filter, access::read)) {
      ++stats.subscribes_denied_acl;
      result = reason_code::not_authorized;
    } else {
      request.options.max_qos = std::min(request.options.max_qos, qos::exactly_once);
      const bool is_new =
          subscriptions.subscribe(filter, subscription_entry{&s, request.options, identifier});
      if (is_new) {
        ++stats.subscriptions;
      }
      s.subscriptions.insert_or_assign(filter, session_subscription{request.options, identifier});
      if (s.persistent()) {
        storage.save_subscription(
            stored_subscription{s.client_id, filter, request.options, identifier});
      }
      result = granted(request.options.max_qos);
      // Retained messages: never for shared subscriptions (MQTT 5.0 section 4.8.2); Retain
      // Handling 1 sends them only for a new subscription, 2 never [MQTT-3.3.1-9/10/11].
      const std::uint8_t handling = request.options.retain_handling;
      if (!shared && (handling == 0 || (handling == 1 && is_new))) {
        retained_requests.push_back(
            {filter, request.options.max_qos, request.options.retain_as_published});
      }
    }
    if (!v5 && protocol::is_error(result)) {
      result = reason_code::unspecified_error;  // 3.1.1 knows only 0x80
    }
    ack.reasons.push_back(result);
  }
  send(c, ack);

  for (const auto& request : retained_requests) {
    retained.match(request.filter, [&](const message_ptr& msg) {
      if (msg->expired(now) || !may(s, msg->topic, access::read)) {
        return;
      }
      std::vector<std::uint32_t> identifiers;
      if (identifier != 0) {
        identifiers.push_back(identifier);
      }
      // Retained messages sent because of a subscription carry RETAIN 1 [MQTT-3.3.1-8].
      deliver(s, msg, std::min(msg->qos_level, request.granted_qos), true, std::move(identifiers),
              now);
    });
  }
}

void broker::impl::on_unsubscribe(connection_state& c, const protocol::unsubscribe_packet& p) {
  session& s = *c.owner;
  protocol::unsuback_packet ack{.packet_id = p.packet_id, .reasons = {}, .props = {}};
  ack.reasons.reserve(p.filters.size());
  for (const auto& filter : p.filters) {
    const auto it = s.subscriptions.find(filter);
    if (it == s.subscriptions.end()) {
      ack.reasons.push_back(reason_code::no_subscription_existed);
      continue;
    }
    subscriptions.unsubscribe(filter, &s);
    s.subscriptions.erase(it);
    --stats.subscriptions;
    if (s.persistent()) {
      storage.delete_subscription(s.client_id, filter);
    }
    ack.reasons.push_back(reason_code::success);
  }
  send(c, ack);
}

}  // namespace telemq::core
