#include "broker/admin/sys_topics.hpp"

#include <fmt/format.h>

#include <string_view>
#include <utility>

namespace telemq::admin {
namespace {

void add_loads(std::vector<sys_value>& all, std::string_view name, const load_average& load) {
  constexpr std::pair<std::string_view, load_window> windows[] = {
      {"1min", load_window::one_minute},
      {"5min", load_window::five_minutes},
      {"15min", load_window::fifteen_minutes},
  };
  for (const auto& [suffix, window] : windows) {
    all.push_back({fmt::format("$SYS/broker/load/{}/{}", name, suffix),
                   fmt::format("{:.2f}", load.per_minute(window))});
  }
}

}  // namespace

std::vector<sys_value> sys_topics::update(const broker_figures& figures,
                                          const broker_loads& loads) {
  const core::broker_stats& s = figures.stats;
  const auto number = [](std::uint64_t n) { return std::to_string(n); };
  const std::uint64_t disconnected =
      s.sessions_total > s.connections_current ? s.sessions_total - s.connections_current : 0;

  std::vector<sys_value> all = {
      {"$SYS/broker/version", "telemq version " + version_},
      {"$SYS/broker/uptime", fmt::format("{} seconds", figures.uptime.count())},
      {"$SYS/broker/clients/connected", number(s.connections_current)},
      {"$SYS/broker/clients/disconnected", number(disconnected)},
      {"$SYS/broker/clients/total", number(s.connections_current + disconnected)},
      {"$SYS/broker/clients/maximum", number(s.connections_maximum)},
      {"$SYS/broker/messages/received", number(s.messages_received)},
      {"$SYS/broker/messages/sent", number(s.messages_sent)},
      {"$SYS/broker/messages/stored", number(figures.stored_messages)},
      {"$SYS/broker/publish/messages/received", number(s.messages_received)},
      {"$SYS/broker/publish/messages/sent", number(s.messages_sent)},
      {"$SYS/broker/publish/messages/dropped",
       number(s.publishes_dropped_queue_full + s.publishes_dropped_qos0_slow)},
      {"$SYS/broker/bytes/received", number(s.bytes_received)},
      {"$SYS/broker/bytes/sent", number(s.bytes_sent)},
      {"$SYS/broker/retained messages/count", number(s.retained_messages)},
      {"$SYS/broker/subscriptions/count", number(s.subscriptions)},
      {"$SYS/broker/store/messages/count", number(figures.stored_messages)},
      {"$SYS/broker/store/messages/bytes", number(figures.stored_message_bytes)},
  };
  add_loads(all, "messages/received", loads.messages_received);
  add_loads(all, "messages/sent", loads.messages_sent);
  add_loads(all, "publish/received", loads.messages_received);
  add_loads(all, "publish/sent", loads.messages_sent);
  add_loads(all, "bytes/received", loads.bytes_received);
  add_loads(all, "bytes/sent", loads.bytes_sent);
  add_loads(all, "connections", loads.connections);

  std::erase_if(all, [this](const sys_value& v) {
    auto [it, inserted] = published_.try_emplace(v.topic, v.payload);
    if (inserted) {
      return false;
    }
    if (it->second == v.payload) {
      return true;
    }
    it->second = v.payload;
    return false;
  });
  return all;
}

}  // namespace telemq::admin
