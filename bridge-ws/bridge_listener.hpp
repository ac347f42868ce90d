#pragma once
// A ws:// or wss:// listener: net::tcp_listener accepts, each socket becomes an http_session.
// Beast is heavy: include this header only from bridge-ws .cpp files.
#include <memory>
#include <string>
#include <vector>

#include "bridge-ws/http_session.hpp"
#include "bridge-ws/listener_state.hpp"
#include "broker/net/listener.hpp"
#include "broker/net/tcp_listener.hpp"

namespace telemq::bridge_ws {

template <typename Stream>
class bridge_listener final : public net::listener {
 public:
  // make_stream(socket, state) wraps an Asio socket in the listener's Stream.
  template <typename MakeStream>
  bridge_listener(const net::listener_config& config, net::listener_environment& environment,
                  std::shared_ptr<listener_state> state, MakeStream make_stream)
      : state_(state),
        tcp_(environment.io, environment.connections, config, environment.log,
             [state, make_stream, &io = environment.io](net::accepted_socket socket,
                                                        core::connection_info info) {
               if (state->stopped) {
                 return;
               }
               auto session = std::make_shared<http_session<Stream>>(
                   make_stream(net::to_asio_socket(io, std::move(socket)), *state), state,
                   std::move(info));
               session->start();
             }) {}

  ~bridge_listener() override { tcp_.stop(); }

  std::vector<std::string> addresses() const override { return tcp_.addresses(); }

  void reload(const net::listener_config& updated) override { tcp_.reload(updated); }

  void stop() override {
    tcp_.stop();
    state_->stopped = true;
    // Event streams and polls never end by themselves; the broker is going away, so end them
    // now rather than at the shutdown deadline. Each one leaves the set as it stops.
    const auto sessions = state_->sessions;
    for (http_session_handle* session : sessions) {
      session->stop();
    }
  }

  listener_state& state() { return *state_; }

 private:
  std::shared_ptr<listener_state> state_;
  net::tcp_listener tcp_;
};

}  // namespace telemq::bridge_ws
