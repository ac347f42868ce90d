// The connection's read path: bytes to packets to handlers, and the write side shared by every
// handler: plain sends, packets held for the store, and closing with a reason.
#include <fmt/format.h>

#include "broker/core/broker_impl.hpp"
#include "broker/core/session.hpp"

namespace telemq::core {

using protocol::packet_type;
using protocol::protocol_version;
using protocol::reason_code;

connection_state& connection::state() {
  return static_cast<connection_state&>(*this);
}

const connection_state& connection::state() const {
  return static_cast<const connection_state&>(*this);
}

const std::string& connection::client_id() const {
  static const std::string none;
  return state().owner != nullptr ? state().owner->client_id : none;
}

void connection::on_bytes(std::span<const std::uint8_t> bytes, timestamp now) {
  state().engine.on_bytes(state(), bytes, now);
}

void connection::on_writable(timestamp now) {
  connection_state& c = state();
  if (c.owner != nullptr && c.phase == connection_phase::connected) {
    c.engine.current_time = now;
    c.engine.pump(*c.owner, now);
    c.engine.register_barriers();
  }
}

void connection::on_closed(timestamp now) {
  state().engine.on_closed(state(), now);
}

void broker::impl::on_bytes(connection_state& c, std::span<const std::uint8_t> bytes,
                            timestamp now) {
  current_time = now;
  if (c.phase == connection_phase::closing) {
    return;
  }
  stats.bytes_received += bytes.size();
  if (c.phase == connection_phase::awaiting_connect && c.decoder.buffered_bytes() == 0 &&
      !bytes.empty() && static_cast<packet_type>(bytes[0] >> 4) != packet_type::connect) {
    // Refused on its first byte: a peer that is not an MQTT client (an HTTP request on the
    // MQTT port) is not kept waiting for a packet it will never finish.
    refuse_first_packet(c, fmt::format("first byte 0x{:02X} does not start a CONNECT", bytes[0]));
    return;
  }
  c.decoder.feed(bytes);
  while (c.phase != connection_phase::closing) {
    const std::size_t buffered = c.decoder.buffered_bytes();
    auto next = c.decoder.next();
    if (!next) {
      break;
    }
    if (!next->ok()) {
      const auto& failure = next->failure();
      if (c.phase == connection_phase::awaiting_connect) {
        refuse_connect(c, protocol_version::v3_1_1, failure.code, failure.message);
      } else {
        fail(c, failure.code, failure.message);
      }
      break;
    }
    c.last_packet_at = now;
    if (const auto* publish = std::get_if<protocol::publish_packet>(&next->value())) {
      stats.publish_bytes_received_by_qos[static_cast<int>(publish->qos_level)] +=
          buffered - c.decoder.buffered_bytes();
    }
    on_packet(c, std::move(next->value()), now);
  }
  register_barriers();
  if (c.decoder.buffered_bytes() == 0) {
    c.decoder.shrink();
  }
}

void broker::impl::on_packet(connection_state& c, protocol::packet&& p, timestamp now) {
  if (c.phase == connection_phase::awaiting_connect) {
    if (auto* connect = std::get_if<protocol::connect_packet>(&p)) {
      on_connect(c, std::move(*connect), now);
    } else {
      refuse_first_packet(
          c, fmt::format("first packet was {}, not CONNECT", protocol::to_string(type_of(p))));
    }
    return;
  }
  std::visit(
      [&](auto&& packet) {
        using type = std::decay_t<decltype(packet)>;
        if constexpr (std::is_same_v<type, protocol::publish_packet>) {
          on_publish(c, std::move(packet), now);
        } else if constexpr (std::is_same_v<type, protocol::puback_packet>) {
          on_puback(c, packet, now);
        } else if constexpr (std::is_same_v<type, protocol::pubrec_packet>) {
          on_pubrec(c, packet, now);
        } else if constexpr (std::is_same_v<type, protocol::pubrel_packet>) {
          on_pubrel(c, packet, now);
        } else if constexpr (std::is_same_v<type, protocol::pubcomp_packet>) {
          on_pubcomp(c, packet, now);
        } else if constexpr (std::is_same_v<type, protocol::subscribe_packet>) {
          on_subscribe(c, std::move(packet), now);
        } else if constexpr (std::is_same_v<type, protocol::unsubscribe_packet>) {
          on_unsubscribe(c, packet);
        } else if constexpr (std::is_same_v<type, protocol::pingreq_packet>) {
          send(c, protocol::pingresp_packet{});
        } else if constexpr (std::is_same_v<type, protocol::disconnect_packet>) {
          on_disconnect(c, packet, now);
        } else if constexpr (std::is_same_v<type, protocol::connect_packet>) {
          fail(c, reason_code::protocol_error, "second CONNECT [MQTT-3.1.0-2]");
        } else if constexpr (std::is_same_v<type, protocol::auth_packet>) {
          // No authentication method is supported, so no exchange can be under way.
          fail(c, reason_code::protocol_error, "AUTH without an authentication exchange");
        } else {
          fail(c, reason_code::protocol_error,
               fmt::format("{} is sent only by servers", protocol::to_string(type_of(p))));
        }
      },
      std::move(p));
}

void broker::impl::refuse_first_packet(connection_state& c, std::string_view why) {
  // [MQTT-3.1.0-1]: the first packet must be CONNECT.
  ++stats.protocol_errors;
  log(log_level::info, "event=protocol_error address={} rule=MQTT-3.1.0-1 reason=\"{}\"",
      c.remote_address, why);
  c.phase = connection_phase::closing;
  c.transport.close();
}

void broker::impl::send(connection_state& c, const protocol::packet& p) {
  auto& out = c.transport.output();
  const auto before = out.size();
  protocol::encode(p, c.version, out);
  stats.bytes_sent += out.size() - before;
  c.transport.flush();
}

void broker::impl::hold(connection_state& c, packet_type type, std::uint16_t packet_id,
                        reason_code reason, bool dup) {
  const bool wait_for_store = storage.has_pending_writes();
  if (!wait_for_store && !c.holds_packets()) {
    // Nothing to wait for and nothing ahead of it: the packet leaves at once, and a connection
    // that never waits for the store never allocates the queue.
    if (send_held(c, held_packet{type, packet_id, reason, 0, true, dup})) {
      c.transport.flush();
    }
    return;
  }
  connection_extras& x = c.use_extras();
  if (type == packet_type::puback) {
    ++x.unacknowledged_qos1;
  }
  x.held.push_back(
      held_packet{type, packet_id, reason, x.next_held_serial++, !wait_for_store, dup});
  if (!wait_for_store) {
    release_held(c);
  } else if (x.held_unregistered++ == 0) {
    awaiting_barrier.push_back(c.id);
  }
}

void broker::impl::register_barriers() {
  for (const std::uint64_t id : awaiting_barrier) {
    if (connection_state* c = connections.find(id); c != nullptr && c->extras->held_unregistered) {
      register_barrier(*c);
    }
  }
  awaiting_barrier.clear();
}

void broker::impl::register_barrier(connection_state& c) {
  // One barrier covers every packet held since the last one: after a read of many PUBLISH
  // packets, one store commit releases all their acknowledgements.
  connection_extras& x = *c.extras;
  const std::uint64_t covered = x.next_held_serial - 1;
  x.held_unregistered = 0;
  storage.after_durable([this, id = c.id, covered] {
    connection_state* conn = connections.find(id);
    if (conn == nullptr) {
      return;
    }
    auto& held = conn->extras->held;
    for (std::size_t i = 0; i < held.size() && held[i].serial <= covered; ++i) {
      held[i].ready = true;
    }
    release_held(*conn);
  });
}

void broker::impl::release_held(connection_state& c) {
  connection_extras& x = *c.extras;
  bool wrote = false;
  while (!x.held.empty() && x.held.front().ready) {
    const held_packet h = x.held.front();
    x.held.pop_front();
    if (h.type == packet_type::puback && c.phase != connection_phase::closing &&
        x.unacknowledged_qos1 > 0) {
      --x.unacknowledged_qos1;
    }
    wrote = send_held(c, h) || wrote;
  }
  if (wrote) {
    c.transport.flush();
  }
}

bool broker::impl::send_held(connection_state& c, const held_packet& h) {
  if (c.phase == connection_phase::closing) {
    return false;
  }
  if (h.type == packet_type::publish) {
    if (c.owner != nullptr) {
      if (const delivery* d = c.owner->find_inflight(h.packet_id)) {
        send_publish(c, *d, h.dup, current_time);
      }
    }
    return false;
  }
  auto& out = c.transport.output();
  const auto before = out.size();
  protocol::encode_ack(h.type, h.packet_id, h.reason, c.version, out);
  stats.bytes_sent += out.size() - before;
  return true;
}

void broker::impl::disconnect(connection_state& c, reason_code reason) {
  if (c.phase == connection_phase::closing) {
    return;
  }
  if (c.version == protocol_version::v5 && c.phase == connection_phase::connected) {
    // Decoding errors carry CONNECT-time codes too (0x84 for a second CONNECT naming another
    // version); DISCONNECT may only carry its own (MQTT 5.0 section 3.14.2.1).
    send(c,
         protocol::disconnect_packet{.reason = reason == reason_code::unsupported_protocol_version
                                                   ? reason_code::protocol_error
                                                   : reason});
  }
  c.phase = connection_phase::closing;
  c.transport.close();
  // The session lets go of the connection now, not when the socket is finally gone: a will
  // must not wait for a slow peer to finish closing.
  detach(c, current_time);
}

void broker::impl::fail(connection_state& c, reason_code reason, std::string_view why) {
  ++stats.protocol_errors;
  log(log_level::info,
      "event=protocol_error client_id={} address={} reason_code=0x{:02X} reason=\"{}\"",
      c.owner != nullptr ? c.owner->client_id : "", c.remote_address, static_cast<unsigned>(reason),
      why);
  disconnect(c, reason);
}

void broker::impl::on_closed(connection_state& c, timestamp now) {
  connections.erase(c.id);
  if (c.owner != nullptr) {
    detach(c, now);
  }
  c.phase = connection_phase::closing;
}

}  // namespace telemq::core
