#pragma once
// Listeners as the server sees them, and the registry that maps a URL scheme to the code that
// opens such a listener. broker/net registers mqtt:// and mqtts://; bridge-ws adds ws:// and
// wss:// with its own factory, so the server needs no change to gain a transport.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "broker/core/log.hpp"
#include "broker/net/listener_config.hpp"

namespace boost::asio {
class io_context;
}

namespace telemq::core {
class access_control;
class broker;
}  // namespace telemq::core

namespace telemq::net {

class connection_set;
class io_threads;

// What every listener of the broker thread shares.
struct listener_environment {
  boost::asio::io_context& io;
  core::broker& broker;
  connection_set& connections;
  // Authentication and ACLs, for transports that admit clients outside MQTT's CONNECT (the
  // HTTP side of bridge-ws).
  core::access_control& access;
  core::log_sink log;
  // Where MQTT connections over TCP and TLS are served; null: all on the broker thread.
  io_threads* threads = nullptr;
};

class listener {
 public:
  virtual ~listener() = default;

  // The addresses actually bound ("127.0.0.1:1883", "[::1]:1883"); the real port when 0 was asked.
  virtual std::vector<std::string> addresses() const = 0;
  // Applies what may change while running to new connections: allow_anonymous and the TLS files.
  // The URL is the same. Throws std::runtime_error (and keeps the old settings) when the new TLS
  // files cannot be loaded.
  virtual void reload(const listener_config& updated) = 0;
  // Stops accepting; open connections stay.
  virtual void stop() = 0;
};

// Binds the listener at once: throws std::runtime_error ("cannot listen on 127.0.0.1:1883: Address
// already in use") when it cannot.
using listener_factory =
    std::function<std::unique_ptr<listener>(const listener_config&, listener_environment&)>;

class listener_registry {
 public:
  void add(std::string scheme, listener_factory factory);
  // Null when no module serves the scheme.
  const listener_factory* find(std::string_view scheme) const;

 private:
  std::map<std::string, listener_factory, std::less<>> factories_;
};

// The built-in transports: mqtt:// (TCP) and mqtts:// (TLS).
std::unique_ptr<listener> make_mqtt_listener(const listener_config& config,
                                             listener_environment& environment);
std::unique_ptr<listener> make_mqtts_listener(const listener_config& config,
                                              listener_environment& environment);
// Registers both.
void add_mqtt_listeners(listener_registry& registry);

}  // namespace telemq::net
