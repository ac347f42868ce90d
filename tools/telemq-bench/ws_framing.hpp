#pragma once
// The client half of RFC 6455, just enough for MQTT over WebSocket (MQTT 5.0 section 6): an
// HTTP/1.1 upgrade offering the "mqtt" subprotocol, masked binary frames out, unmasked frames in.
// A frame may carry many MQTT packets or part of one, so each write batch goes out as one frame
// and incoming frame payloads are simply concatenated into the MQTT decoder's stream.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace telemq::bench {

// A fresh Sec-WebSocket-Key: 16 random bytes, base64.
std::string make_websocket_key();

std::string make_upgrade_request(std::string_view host, std::string_view path,
                                 std::string_view key);

// Checks a complete response head (up to and including the blank line): status 101, the accept
// hash of `key` and the mqtt subprotocol. Returns why it is unacceptable, or nothing.
std::optional<std::string> check_upgrade_response(std::string_view head, std::string_view key);

// Builds the header of a final, masked binary frame and returns its length (2 to 14 bytes).
std::size_t write_frame_header(std::array<std::uint8_t, 14>& header, std::size_t payload_size,
                               std::uint32_t mask_key);
// Masks a whole frame payload in place.
void apply_mask(std::span<std::uint8_t> data, std::uint32_t mask_key);

enum class ws_opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

struct ws_control_frame {
  ws_opcode opcode;
  std::vector<std::uint8_t> payload;
};

// Incremental reader of server frames; keeps only a partial header or control payload between
// calls, data bytes go straight to the caller.
class ws_frame_reader {
 public:
  // Appends data-frame payload bytes to `data` and complete control frames to `controls`.
  // Returns a description of the first protocol violation, after which the stream is useless.
  std::optional<std::string> read(std::span<const std::uint8_t> bytes,
                                  std::vector<std::uint8_t>& data,
                                  std::vector<ws_control_frame>& controls);

 private:
  std::optional<std::string> parse_header();

  std::vector<std::uint8_t> header_;
  std::uint64_t remaining_ = 0;  // payload bytes of the current frame still to come
  bool in_payload_ = false;
  ws_opcode opcode_ = ws_opcode::binary;
  std::vector<std::uint8_t> control_payload_;
};

}  // namespace telemq::bench
