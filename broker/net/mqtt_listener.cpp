// mqtt:// — MQTT over plain TCP.
#include <boost/asio/io_context.hpp>
#include <memory>

#include "broker/core/broker.hpp"
#include "broker/net/listener.hpp"
#include "broker/net/stream_connection.hpp"
#include "broker/net/tcp_listener.hpp"
#include "broker/net/tcp_stream.hpp"

namespace telemq::net {

std::unique_ptr<listener> make_mqtt_listener(const listener_config& config,
                                             listener_environment& environment) {
  return std::make_unique<tcp_listener>(
      environment.io, environment.connections, config, environment.log,
      [&environment](tcp_socket socket, core::connection_info info) {
        auto connection = std::make_shared<stream_connection<tcp_stream>>(
            tcp_stream(std::move(socket)), environment.connections);
        connection->start(environment.broker, std::move(info),
                          environment.broker.limits().connect_timeout);
      });
}

}  // namespace telemq::net
