#pragma once
// A real core::broker with a memory store, a hub fed by its observer, and an access control the
// test scripts: enough to drive the HTTP side without sockets.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "bridge-ws/event_hub.hpp"
#include "broker/core/broker.hpp"
#include "broker/core/memory_store.hpp"

namespace telemq::bridge_ws::testing {

using namespace std::chrono_literals;

// Users with passwords; per-user readable and writable topics (exact strings or "#" for all).
class scripted_access final : public core::access_control {
 public:
  std::optional<protocol::reason_code> authenticate(
      const core::connection_info& connection, std::string_view,
      const std::optional<std::string>& username,
      const std::optional<std::string>& password) override {
    if (!username) {
      return connection.allow_anonymous || !connection.certificate_username.empty()
                 ? std::nullopt
                 : std::optional(protocol::reason_code::not_authorized);
    }
    const auto it = passwords.find(*username);
    if (it == passwords.end() || it->second != password.value_or("")) {
      return protocol::reason_code::bad_user_name_or_password;
    }
    return std::nullopt;
  }

  bool allowed(core::client_view client, std::string_view topic_or_filter,
               core::access kind) override {
    const auto& rules = kind == core::access::read ? readable : writable;
    const auto it = rules.find(std::string(client.username));
    if (it == rules.end()) {
      return true;  // users without rules may do anything
    }
    return it->second.contains("#") || it->second.contains(std::string(topic_or_filter));
  }

  std::map<std::string, std::string> passwords;
  std::map<std::string, std::set<std::string>> readable;
  std::map<std::string, std::set<std::string>> writable;
};

struct bridge_harness {
  explicit bridge_harness(replay_limits limits = {}, std::uint64_t first_id = 1000)
      : engine(core::broker_limits{}, storage, access, nullptr, now),
        hub(std::make_shared<event_hub>(limits, first_id)) {
    engine.add_observer([this](const core::message_ptr& msg) { hub->on_message(msg, now); });
  }

  void publish(std::string topic, std::string payload, bool retain = false) {
    auto msg = std::make_shared<core::message>();
    msg->topic = std::move(topic);
    msg->payload = std::move(payload);
    msg->retain = retain;
    engine.publish(std::move(msg), now);
  }

  core::timestamp now = core::timestamp(std::chrono::seconds(1'700'000'000));
  core::memory_store storage;
  scripted_access access;
  core::broker engine;
  std::shared_ptr<event_hub> hub;
};

inline core::message_ptr make_message(std::string topic, std::string payload) {
  auto msg = std::make_shared<core::message>();
  msg->topic = std::move(topic);
  msg->payload = std::move(payload);
  return msg;
}

}  // namespace telemq::bridge_ws::testing
