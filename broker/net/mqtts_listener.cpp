// mqtts:// — MQTT over TLS. Kept apart from mqtt_listener.cpp so that only this file and
// tls_context.cpp compile the SSL headers.
#include <boost/asio/io_context.hpp>
#include <memory>

#include "broker/core/broker.hpp"
#include "broker/net/listener.hpp"
#include "broker/net/serve_stream.hpp"
#include "broker/net/tcp_listener.hpp"
#include "broker/net/tls_context.hpp"
#include "broker/net/tls_stream.hpp"

namespace telemq::net {

namespace {

class tls_listener final : public listener {
 public:
  tls_listener(const listener_config& config, listener_environment& environment)
      : context_(make_tls_context(config.tls)),
        identity_as_username_(config.tls.use_identity_as_username),
        tcp_(environment.io, environment.connections, config, environment.log,
             [this, &environment](accepted_socket socket, core::connection_info info) {
               serve_stream(environment, std::move(socket), std::move(info),
                            [context = context_, identity_as_username = identity_as_username_](
                                boost::asio::io_context& io, accepted_socket accepted) {
                              return tls_stream(to_asio_socket(io, std::move(accepted)), context,
                                                identity_as_username);
                            });
             }) {}

  std::vector<std::string> addresses() const override { return tcp_.addresses(); }

  void reload(const listener_config& updated) override {
    context_ = make_tls_context(updated.tls);
    identity_as_username_ = updated.tls.use_identity_as_username;
    tcp_.reload(updated);
  }

  void stop() override { tcp_.stop(); }

 private:
  std::shared_ptr<boost::asio::ssl::context> context_;
  bool identity_as_username_;
  tcp_listener tcp_;
};

}  // namespace

std::unique_ptr<listener> make_mqtts_listener(const listener_config& config,
                                              listener_environment& environment) {
  return std::make_unique<tls_listener>(config, environment);
}

}  // namespace telemq::net
