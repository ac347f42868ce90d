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
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "broker/protocol/error.hpp"
#include "broker/protocol/packets.hpp"

namespace telemq::protocol {

using byte_buffer = std::vector<std::uint8_t>;

// Decodes one whole packet (fixed header included). Validates everything the spec lets a
// receiver check without session state; the error names the rule broken. Topic filters are
// checked for UTF-8 only: a bad filter is answered per filter in SUBACK, not by disconnecting.
// A CONNECT is decoded whatever `version` says, since it names its own. For MQTT 3.1 the DUP
// flag that 3.1 allowed on PUBREL, SUBSCRIBE and UNSUBSCRIBE is accepted.
result<packet> decode_packet(std::span<const std::uint8_t> bytes, protocol_version version);

// The per-message path without allocation: decodes one whole PUBLISH packet into `out`,
// overwriting every field and reusing the capacity of its strings. Same checks as decode_packet.
std::optional<error> decode_publish(std::span<const std::uint8_t> bytes, protocol_version version,
                                    publish_packet& out);

class decoder {
 public:
  explicit decoder(std::uint32_t max_packet_size = max_variable_byte_integer + 5);

  void set_version(protocol_version version) { version_ = version; }
  protocol_version version() const { return version_; }
  void set_max_packet_size(std::uint32_t bytes) { max_packet_size_ = bytes; }

  // Buffers the bytes. A fixed header announcing a packet larger than the maximum packet size
  // is refused as soon as it is complete: neither it nor anything after it is buffered, and
  // next() reports packet_too_large once the packets before it have been taken.
  void feed(std::span<const std::uint8_t> bytes);

  // The next complete packet, nothing when more bytes are needed, or the error that makes the
  // rest of the stream meaningless (the decoder then stays failed and returns that error again).
  // A decoded CONNECT also switches the decoder to the version it names.
  std::optional<result<packet>> next();

  // The bytes of the next complete packet, fixed header included, taken without decoding them:
  // for a caller that decodes PUBLISH into a reused packet (decode_publish). Empty when no
  // packet is complete or when the stream is broken; next() then says which. The span stays
  // valid until the decoder is called again. A CONNECT taken this way does not switch versions.
  std::span<const std::uint8_t> next_frame();

  bool failed() const { return failed_; }

  std::size_t buffered_bytes() const { return buffer_.size() - consumed_; }
  // Returns the buffer's memory when nothing is pending (for idle connections).
  void shrink();

 private:
  byte_buffer buffer_;
  // Offsets into buffer_, which never holds more than a packet of the maximum size and one
  // read: 32 bits, so that a connection's decoder packs into 48 bytes.
  std::uint32_t consumed_ = 0;
  // Start of the first packet whose fixed header has not been checked yet; every packet before
  // it has a complete header within the size limit (its body may still be arriving).
  std::uint32_t unchecked_ = 0;
  std::uint32_t max_packet_size_;
  protocol_version version_ = protocol_version::v3_1_1;
  bool failed_ = false;
  // The error waiting behind the packets already buffered, or the one the decoder failed with.
  // Behind a pointer: an idle connection's decoder holds no error, and an empty optional error
  // would cost it 48 bytes.
  std::unique_ptr<error> failure_;

  void check_headers(std::span<const std::uint8_t> incoming, std::size_t& accepted);
  void compact();
};

// Appends one packet. 3.1 and 3.1.1 leave out properties and the other 5.0-only fields (the
// reason code of acks and DISCONNECT, UNSUBACK's reason codes). A CONNECT is encoded for the
// version it names (connect_packet::version), whatever `version` says. AUTH does not exist
// before 5.0: for 3.1 and 3.1.1 nothing is appended (and encoded_size is 0). Properties that a
// packet may not carry (MQTT 5.0 Table 2-4) are left out.
void encode(const packet& p, protocol_version version, byte_buffer& out);

// Fast paths for the packets sent for every message; byte-identical to encode().
void encode_publish(const publish_packet& p, protocol_version version, byte_buffer& out);
// `type` is PUBACK, PUBREC, PUBREL or PUBCOMP; any other type appends nothing.
void encode_ack(packet_type type, std::uint16_t packet_id, reason_code reason,
                protocol_version version, byte_buffer& out);

// The size encode() would append, for checking a peer's Maximum Packet Size before sending.
std::size_t encoded_size(const packet& p, protocol_version version);

// A PUBLISH to send, as views of a message the broker already holds, so delivering one message
// to many subscribers copies neither topic nor payload into a packet object. The properties a
// message carries (props) are joined by those that differ per delivery.
struct publish_view {
  std::string_view topic;  // empty when a topic alias stands for it
  std::string_view payload;
  qos qos_level = qos::at_most_once;
  bool retain = false;
  bool dup = false;
  std::uint16_t packet_id = 0;
  const properties* props = nullptr;  // may be null
  std::optional<std::uint32_t> message_expiry_interval;
  std::uint16_t topic_alias = 0;  // 0 when none
  std::span<const std::uint32_t> subscription_identifiers;
};

void encode_publish(const publish_view& p, protocol_version version, byte_buffer& out);
std::size_t encoded_size(const publish_view& p, protocol_version version);

}  // namespace telemq::protocol
