#include "broker/admin/broker_figures.hpp"

namespace telemq::admin {

void broker_loads::update(const core::broker_stats& stats, std::chrono::duration<double> elapsed) {
  messages_received.update(stats.messages_received, elapsed);
  messages_sent.update(stats.messages_sent, elapsed);
  bytes_received.update(stats.bytes_received, elapsed);
  bytes_sent.update(stats.bytes_sent, elapsed);
  connections.update(stats.connections_total, elapsed);
}

}  // namespace telemq::admin
