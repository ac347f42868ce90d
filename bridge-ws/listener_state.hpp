#pragma once
// What the HTTP sessions of one ws:// or wss:// listener share with it. Sessions hold it by a
// shared pointer because they may outlive the listener (stop() ends them, but their last
// handlers still run).
#include <memory>
#include <set>

#include "bridge-ws/event_hub.hpp"
#include "bridge-ws/http_api.hpp"
#include "broker/net/listener.hpp"

namespace boost::asio::ssl {
class context;
}

namespace telemq::bridge_ws {

// An open HTTP session as its listener sees it.
class http_session_handle {
 public:
  // The listener stopped (the broker is shutting down): end now. Event streams resume
  // elsewhere or later with Last-Event-ID.
  virtual void stop() = 0;

 protected:
  ~http_session_handle() = default;
};

struct listener_state {
  listener_state(net::listener_environment& environment, std::shared_ptr<event_hub> events,
                 bridge_options options)
      : env(environment),
        hub(std::move(events)),
        api(environment.broker, environment.access, *hub, std::move(options)) {}

  net::listener_environment& env;
  std::shared_ptr<event_hub> hub;
  http_api api;
  // wss:// only: replaced by a reload, while sessions keep the context they started with.
  std::shared_ptr<boost::asio::ssl::context> tls;
  bool identity_as_username = false;
  std::set<http_session_handle*> sessions;
  bool stopped = false;

  void log(core::log_level level, const std::string& line) const {
    if (env.log) {
      env.log(level, line);
    }
  }
};

// Every listener of one broker shares one hub, so that a message is numbered and kept once.
// The hub lives as long as a listener or session holds it; the broker's observer only looks it
// up, since observers cannot be removed.
class hub_source {
 public:
  std::shared_ptr<event_hub> hub_for(core::broker& broker, const replay_limits& limits);

 private:
  core::broker* broker_ = nullptr;
  std::weak_ptr<event_hub> hub_;
};

}  // namespace telemq::bridge_ws
