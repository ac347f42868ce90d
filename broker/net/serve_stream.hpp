#pragma once
// Starts MQTT over an accepted socket on the thread whose turn it is: on the broker thread
// directly, or relayed to an I/O thread (relay_channel.hpp). make_stream(io, socket) turns the
// socket into the stream adapter (tcp_stream, tls_stream) on the thread that will run it.
#include <memory>
#include <type_traits>
#include <utility>

#include "broker/core/broker.hpp"
#include "broker/net/accepted_socket.hpp"
#include "broker/net/io_threads.hpp"
#include "broker/net/listener.hpp"
#include "broker/net/relay_channel.hpp"
#include "broker/net/stream_connection.hpp"

namespace telemq::net {

template <typename MakeStream>
void serve_stream(listener_environment& environment, accepted_socket socket,
                  core::connection_info info, MakeStream make_stream) {
  // A TLS handshake counts against the connect timeout too: its deadline here, and the core's
  // connect timeout from the same moment.
  const auto timeout = environment.broker.limits().connect_timeout;
  info.accepted_at = core::clock_type::now();
  io_thread* thread = environment.threads != nullptr ? environment.threads->next() : nullptr;
  if (thread == nullptr) {
    using stream = std::invoke_result_t<MakeStream&, boost::asio::io_context&, accepted_socket>;
    auto connection = std::make_shared<stream_connection<stream>>(
        make_stream(environment.io, std::move(socket)), environment.connections);
    connection->start(environment.broker, std::move(info), timeout);
    return;
  }
  auto channel = std::make_shared<relay_channel_for<MakeStream>>(*thread, std::move(socket),
                                                                 std::move(make_stream));
  auto connection = std::make_shared<stream_connection<relayed_stream>>(
      relayed_stream(std::move(channel)), environment.connections);
  connection->start(environment.broker, std::move(info), timeout);
}

}  // namespace telemq::net
