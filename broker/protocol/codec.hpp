#pragma once
// Bytes to packets and back, for MQTT 3.1, 3.1.1 and 5.0.
//
// decoder is a streaming decoder: feed it whatever arrived and pull complete packets out. It
// checks the announced Remaining Length against the maximum packet size as soon as the fixed
// header is complete, before buffering the body. Until it has seen a CONNECT it decodes with the
// version that CONNECT names; afterwards with the version it was given.
//
// encode appends one packet to a caller-owned buffer; when the buffer has capacity, encoding
// PUBLISH, the PUBACK family and PINGRESP allocates nothing.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "broker/protocol/error.hpp"
#include "broker/protocol/packets.hpp"

namespace telemq::protocol {

using byte_buffer = std::vector<std::uint8_t>;

// Decodes one whole packet (fixed header included). Validates everything the spec lets a
// receiver check without session state.
result<packet> decode_packet(std::span<const std::uint8_t> bytes, protocol_version version);

class decoder {
 public:
  explicit decoder(std::uint32_t max_packet_size = max_variable_byte_integer + 5);

  void set_version(protocol_version version) { version_ = version; }
  protocol_version version() const { return version_; }
  void set_max_packet_size(std::uint32_t bytes) { max_packet_size_ = bytes; }

  void feed(std::span<const std::uint8_t> bytes);

  // The next complete packet, nothing when more bytes are needed, or the error that makes the
  // rest of the stream meaningless (the decoder then stays failed).
  std::optional<result<packet>> next();

  std::size_t buffered_bytes() const { return buffer_.size() - consumed_; }
  // Returns the buffer's memory when nothing is pending (for idle connections).
  void shrink();

 private:
  byte_buffer buffer_;
  std::size_t consumed_ = 0;
  std::uint32_t max_packet_size_;
  protocol_version version_ = protocol_version::v3_1_1;
  bool failed_ = false;
};

void encode(const packet& p, protocol_version version, byte_buffer& out);

// Fast paths for the packets sent for every message; byte-identical to encode().
void encode_publish(const publish_packet& p, protocol_version version, byte_buffer& out);
void encode_ack(packet_type type, std::uint16_t packet_id, reason_code reason,
                protocol_version version, byte_buffer& out);

// The size encode() would append, for checking a peer's Maximum Packet Size before sending.
std::size_t encoded_size(const packet& p, protocol_version version);

}  // namespace telemq::protocol
