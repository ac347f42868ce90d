// mqtt:// — MQTT over plain TCP.
#include <boost/asio/io_context.hpp>
#include <memory>

#include "broker/core/broker.hpp"
#include "broker/net/listener.hpp"
#include "broker/net/serve_stream.hpp"
#include "broker/net/tcp_listener.hpp"
#include "broker/net/tcp_stream.hpp"

namespace telemq::net {

std::unique_ptr<listener> make_mqtt_listener(const listener_config& config,
                                             listener_environment& environment) {
  return std::make_unique<tcp_listener>(
      environment.io, environment.connections, config, environment.log,
      [&environment](accepted_socket socket, core::connection_info info) {
        serve_stream(environment, std::move(socket), std::move(info),
                     [](boost::asio::io_context& io, accepted_socket accepted) {
                       return tcp_stream(io, std::move(accepted));
                     });
      });
}

}  // namespace telemq::net
