#include "wire.hpp"

namespace telemq::security_test::wire {
namespace {

void put_u16(bytes& out, std::size_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

void put_string(bytes& out, std::string_view text) {
  put_u16(out, text.size());
  out.insert(out.end(), text.begin(), text.end());
}

bytes frame(std::uint8_t header, const bytes& body) {
  bytes out{header};
  const bytes length = varint(static_cast<std::uint32_t>(body.size()));
  out.insert(out.end(), length.begin(), length.end());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// Skips a 5.0 property block at `at`; returns the offset after it.
std::size_t skip_properties(const bytes& body, std::size_t at) {
  std::uint32_t length = 0;
  int shift = 0;
  while (at < body.size()) {
    const std::uint8_t b = body[at++];
    length |= static_cast<std::uint32_t>(b & 0x7F) << shift;
    shift += 7;
    if ((b & 0x80) == 0 || shift > 21) {
      break;
    }
  }
  return at + length;
}

}  // namespace

bytes varint(std::uint32_t value) {
  bytes out;
  do {
    std::uint8_t digit = value % 128;
    value /= 128;
    if (value > 0) {
      digit |= 0x80;
    }
    out.push_back(digit);
  } while (value > 0);
  return out;
}

bytes connect(const connect_fields& f) {
  bytes body;
  put_string(body, "MQTT");
  body.push_back(static_cast<std::uint8_t>(f.level));
  std::uint8_t flags = f.clean ? 0x02 : 0x00;
  if (f.username) {
    flags |= 0x80;
  }
  if (f.password) {
    flags |= 0x40;
  }
  body.push_back(flags);
  put_u16(body, f.keep_alive);
  if (f.level == version::v5) {
    body.push_back(0);  // no properties
  }
  put_string(body, f.client_id);
  if (f.username) {
    put_string(body, *f.username);
  }
  if (f.password) {
    put_string(body, *f.password);
  }
  return frame(0x10, body);
}

bytes publish(std::string_view topic, std::string_view payload, std::uint8_t qos,
              std::uint16_t packet_id, version level, bool retain) {
  bytes body;
  put_string(body, topic);
  if (qos > 0) {
    put_u16(body, packet_id);
  }
  if (level == version::v5) {
    body.push_back(0);
  }
  body.insert(body.end(), payload.begin(), payload.end());
  return frame(static_cast<std::uint8_t>(0x30 | (qos << 1) | (retain ? 1 : 0)), body);
}

bytes subscribe(std::uint16_t packet_id, std::string_view filter, std::uint8_t qos, version level) {
  bytes body;
  put_u16(body, packet_id);
  if (level == version::v5) {
    body.push_back(0);
  }
  put_string(body, filter);
  body.push_back(qos);
  return frame(0x82, body);
}

bytes puback(std::uint16_t packet_id) {
  bytes body;
  put_u16(body, packet_id);
  return frame(0x40, body);
}

bytes pingreq() {
  return {0xC0, 0x00};
}

std::uint8_t connack_code(const packet& p) {
  return p.body.size() >= 2 ? p.body[1] : 0xFF;
}

std::uint8_t puback_code(const packet& p) {
  return p.body.size() >= 3 ? p.body[2] : 0;
}

std::uint8_t suback_code(const packet& p, version level) {
  const std::size_t at = level == version::v5 ? skip_properties(p.body, 2) : 2;
  return at < p.body.size() ? p.body[at] : 0xFF;
}

std::uint8_t disconnect_code(const packet& p) {
  return p.body.empty() ? 0 : p.body[0];
}

std::string publish_topic(const packet& p) {
  if (p.body.size() < 2) {
    return {};
  }
  const std::size_t length = (p.body[0] << 8) | p.body[1];
  return std::string(p.body.begin() + 2, p.body.begin() + static_cast<std::ptrdiff_t>(
                                                              std::min(p.body.size(), 2 + length)));
}

std::string publish_payload(const packet& p, version level) {
  if (p.body.size() < 2) {
    return {};
  }
  std::size_t at = 2 + ((p.body[0] << 8) | p.body[1]);
  if (((p.header >> 1) & 0x03) != 0) {
    at += 2;
  }
  if (level == version::v5) {
    at = skip_properties(p.body, at);
  }
  return at <= p.body.size()
             ? std::string(p.body.begin() + static_cast<std::ptrdiff_t>(at), p.body.end())
             : std::string();
}

}  // namespace telemq::security_test::wire
