#include "tools/telemq-bench/ws_framing.hpp"

#include <algorithm>
#include <cctype>
#include <random>

#include "broker/text/ascii.hpp"
#include "broker/text/base64.hpp"
#include "tools/telemq-bench/sha1.hpp"

namespace telemq::bench {

namespace {

constexpr std::string_view accept_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// The value of the first header called `name`, if any.
std::optional<std::string_view> header_value(std::string_view head, std::string_view name) {
  std::size_t pos = head.find('\n');
  while (pos != std::string_view::npos && pos + 1 < head.size()) {
    const std::size_t start = pos + 1;
    pos = head.find('\n', start);
    const std::string_view line =
        head.substr(start, (pos == std::string_view::npos ? head.size() : pos) - start);
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos &&
        text::equals_ignoring_case(text::trim(line.substr(0, colon)), name)) {
      return text::trim(line.substr(colon + 1));
    }
  }
  return std::nullopt;
}

}  // namespace

std::string make_websocket_key() {
  std::random_device entropy;
  std::array<std::uint8_t, 16> nonce{};
  for (auto& b : nonce) {
    b = static_cast<std::uint8_t>(entropy());
  }
  return text::base64_encode(nonce);
}

std::string make_upgrade_request(std::string_view host, std::string_view path,
                                 std::string_view key) {
  std::string request;
  request.append("GET ").append(path).append(" HTTP/1.1\r\n");
  request.append("Host: ").append(host).append("\r\n");
  request.append("Upgrade: websocket\r\nConnection: Upgrade\r\n");
  request.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
  request.append("Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n");
  return request;
}

std::optional<std::string> check_upgrade_response(std::string_view head, std::string_view key) {
  const std::string_view status_line = text::trim(head.substr(0, head.find('\n')));
  if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/" ||
      status_line.substr(9, 3) != "101") {
    return "upgrade refused: " + std::string(status_line);
  }
  const auto accept = header_value(head, "Sec-WebSocket-Accept");
  const auto digest = sha1(std::string(key) + std::string(accept_guid));
  if (!accept || *accept != text::base64_encode(digest)) {
    return std::string("upgrade response has a wrong Sec-WebSocket-Accept");
  }
  const auto protocol = header_value(head, "Sec-WebSocket-Protocol");
  if (!protocol || !text::equals_ignoring_case(*protocol, "mqtt")) {
    return std::string("upgrade response did not select the mqtt subprotocol");
  }
  return std::nullopt;
}

std::size_t write_frame_header(std::array<std::uint8_t, 14>& header, std::size_t payload_size,
                               std::uint32_t mask_key) {
  header[0] = 0x80 | static_cast<std::uint8_t>(ws_opcode::binary);
  std::size_t n = 2;
  if (payload_size < 126) {
    header[1] = 0x80 | static_cast<std::uint8_t>(payload_size);
  } else if (payload_size <= 0xFFFF) {
    header[1] = 0x80 | 126;
    header[2] = static_cast<std::uint8_t>(payload_size >> 8);
    header[3] = static_cast<std::uint8_t>(payload_size);
    n = 4;
  } else {
    header[1] = 0x80 | 127;
    for (std::size_t i = 0; i < 8; ++i) {
      header[2 + i] =
          static_cast<std::uint8_t>(static_cast<std::uint64_t>(payload_size) >> (56 - 8 * i));
    }
    n = 10;
  }
  for (std::size_t i = 0; i < 4; ++i) {
    header[n + i] = static_cast<std::uint8_t>(mask_key >> (24 - 8 * i));
  }
  return n + 4;
}

void apply_mask(std::span<std::uint8_t> data, std::uint32_t mask_key) {
  const std::array<std::uint8_t, 4> key{
      static_cast<std::uint8_t>(mask_key >> 24), static_cast<std::uint8_t>(mask_key >> 16),
      static_cast<std::uint8_t>(mask_key >> 8), static_cast<std::uint8_t>(mask_key)};
  for (std::size_t i = 0; i < data.size(); ++i) {
    data[i] ^= key[i & 3];
  }
}

std::optional<std::string> ws_frame_reader::parse_header() {
  // Returns early (no error) while the header is incomplete; header_ keeps the partial bytes.
  if (header_.size() < 2) {
    return std::nullopt;
  }
  if ((header_[0] & 0x70) != 0) {
    return std::string("websocket frame uses reserved bits");
  }
  if ((header_[1] & 0x80) != 0) {
    return std::string("server sent a masked websocket frame");
  }
  const std::uint8_t length7 = header_[1] & 0x7F;
  const std::size_t needed = length7 == 126 ? 4 : length7 == 127 ? 10 : 2;
  if (header_.size() < needed) {
    return std::nullopt;
  }
  std::uint64_t length = length7;
  if (length7 >= 126) {
    length = 0;
    for (std::size_t i = 2; i < needed; ++i) {
      length = (length << 8) | header_[i];
    }
  }
  opcode_ = static_cast<ws_opcode>(header_[0] & 0x0F);
  switch (opcode_) {
    case ws_opcode::continuation:
    case ws_opcode::binary:
      break;
    case ws_opcode::close:
    case ws_opcode::ping:
    case ws_opcode::pong:
      if (length > 125 || (header_[0] & 0x80) == 0) {
        return std::string("malformed websocket control frame");
      }
      break;
    default:
      return "websocket opcode " + std::to_string(header_[0] & 0x0F) + " is not MQTT's binary";
  }
  remaining_ = length;
  in_payload_ = true;
  header_.clear();
  control_payload_.clear();
  return std::nullopt;
}

std::optional<std::string> ws_frame_reader::read(std::span<const std::uint8_t> bytes,
                                                 std::vector<std::uint8_t>& data,
                                                 std::vector<ws_control_frame>& controls) {
  while (!bytes.empty() || (in_payload_ && remaining_ == 0)) {
    if (!in_payload_) {
      header_.push_back(bytes.front());
      bytes = bytes.subspan(1);
      if (auto failure = parse_header()) {
        return failure;
      }
      continue;
    }
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size()));
    const bool control = static_cast<std::uint8_t>(opcode_) >= 0x8;
    auto& sink = control ? control_payload_ : data;
    sink.insert(sink.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    bytes = bytes.subspan(n);
    remaining_ -= n;
    if (remaining_ == 0) {
      in_payload_ = false;
      if (control) {
        controls.push_back({opcode_, std::move(control_payload_)});
        control_payload_.clear();
      }
    }
  }
  return std::nullopt;
}

}  // namespace telemq::bench
