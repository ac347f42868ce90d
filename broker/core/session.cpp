#include "broker/core/session.hpp"

namespace telemq::core {

delivery* session::find_inflight(std::uint16_t packet_id) {
  if (!traffic) {
    return nullptr;
  }
  auto it = traffic->inflight.find(packet_id);
  return it == traffic->inflight.end() ? nullptr : &it->second;
}

std::uint16_t session::allocate_packet_id() {
  const std::size_t used = inflight_count();
  if (used >= 65535) {
    return 0;
  }
  for (;;) {
    const std::uint16_t id = next_packet_id;
    next_packet_id = next_packet_id == 65535 ? 1 : static_cast<std::uint16_t>(next_packet_id + 1);
    if (used == 0 || !traffic->inflight.contains(id)) {
      return id;
    }
  }
}

stored_session session::record() const {
  return stored_session{
      .client_id = client_id,
      .version = version,
      .expiry_interval = expiry_interval,
      .will = will ? std::optional<stored_will>(will->record) : std::nullopt,
      .disconnected_at = disconnected_at,
      .username = username,
  };
}

stored_delivery session::delivery_record(const delivery& d) const {
  return stored_delivery{
      .client_id = client_id,
      .message_id = d.msg->id,
      .sequence = d.sequence,
      .qos_level = d.qos_level,
      .retain = d.retain,
      .state = d.state,
      .packet_id = d.packet_id,
      .subscription_identifiers = d.subscription_identifiers,
  };
}

}  // namespace telemq::core
