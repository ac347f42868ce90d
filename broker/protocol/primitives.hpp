#pragma once
// The data representations of MQTT 5.0 section 1.5 (3.1.1 section 1.5): bytes, two and four byte
// integers, variable byte integers, length-prefixed strings and binary data.
//
// Encoding is written once against a "sink" so that the same code both measures a packet
// (size_counter) and writes it (pointer_writer): encoded_size() can never disagree with encode(),
// and a packet is written with one resize of the caller's buffer and no temporaries.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "broker/protocol/error.hpp"

namespace telemq::protocol::detail {

// ---- encoding ---------------------------------------------------------------------------------

struct size_counter {
  std::size_t size = 0;
  void put(std::uint8_t) { ++size; }
  void put(const void*, std::size_t n) { size += n; }
};

struct pointer_writer {
  std::uint8_t* at;
  void put(std::uint8_t b) { *at++ = b; }
  void put(const void* data, std::size_t n) {
    // memcpy with a null source is undefined even for n == 0 (an empty std::string_view).
    if (n != 0) {
      std::memcpy(at, data, n);
      at += n;
    }
  }
};

constexpr std::size_t variable_byte_integer_size(std::uint32_t value) {
  return value < 128u ? 1 : value < 16'384u ? 2 : value < 2'097'152u ? 3 : 4;
}

template <typename Sink>
void put_u16(Sink& out, std::uint16_t value) {
  out.put(static_cast<std::uint8_t>(value >> 8));
  out.put(static_cast<std::uint8_t>(value));
}

template <typename Sink>
void put_u32(Sink& out, std::uint32_t value) {
  out.put(static_cast<std::uint8_t>(value >> 24));
  out.put(static_cast<std::uint8_t>(value >> 16));
  out.put(static_cast<std::uint8_t>(value >> 8));
  out.put(static_cast<std::uint8_t>(value));
}

// Always the shortest form [MQTT-1.5.5-1].
template <typename Sink>
void put_variable_byte_integer(Sink& out, std::uint32_t value) {
  do {
    auto digit = static_cast<std::uint8_t>(value & 0x7F);
    value >>= 7;
    if (value != 0) {
      digit |= 0x80;
    }
    out.put(digit);
  } while (value != 0);
}

// UTF-8 strings and binary data share the representation: a two byte length, then the bytes.
// Longer values cannot be represented; callers keep their fields within 65,535 bytes.
template <typename Sink>
void put_string(Sink& out, std::string_view text) {
  put_u16(out, static_cast<std::uint16_t>(text.size()));
  out.put(text.data(), text.size());
}

// ---- decoding ---------------------------------------------------------------------------------

// A cursor over the bytes of one packet. Every read reports whether the bytes were there, so a
// field that runs past the Remaining Length is caught where it happens.
class reader {
 public:
  explicit reader(std::span<const std::uint8_t> bytes)
      : at_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  std::size_t left() const { return static_cast<std::size_t>(end_ - at_); }
  bool empty() const { return at_ == end_; }

  bool u8(std::uint8_t& value) {
    if (at_ == end_) {
      return false;
    }
    value = *at_++;
    return true;
  }

  bool u16(std::uint16_t& value) {
    if (left() < 2) {
      return false;
    }
    value = static_cast<std::uint16_t>((at_[0] << 8) | at_[1]);
    at_ += 2;
    return true;
  }

  bool u32(std::uint32_t& value) {
    if (left() < 4) {
      return false;
    }
    value = (std::uint32_t{at_[0]} << 24) | (std::uint32_t{at_[1]} << 16) |
            (std::uint32_t{at_[2]} << 8) | std::uint32_t{at_[3]};
    at_ += 4;
    return true;
  }

  enum class vbi_status { ok, truncated, too_long };
  vbi_status variable_byte_integer(std::uint32_t& value) {
    std::uint32_t result = 0;
    for (int i = 0; i < 4; ++i) {
      if (at_ == end_) {
        return vbi_status::truncated;
      }
      const std::uint8_t digit = *at_++;
      result |= std::uint32_t{digit & 0x7Fu} << (7 * i);
      if ((digit & 0x80) == 0) {
        value = result;
        return vbi_status::ok;
      }
    }
    return vbi_status::too_long;
  }

  // A two byte length and that many bytes, viewed in place.
  bool string(std::string_view& value) {
    std::uint16_t length = 0;
    if (!u16(length) || left() < length) {
      return false;
    }
    value = std::string_view(reinterpret_cast<const char*>(at_), length);
    at_ += length;
    return true;
  }

  std::string_view rest() {
    std::string_view value(reinterpret_cast<const char*>(at_), left());
    at_ = end_;
    return value;
  }

  // Splits off the next n bytes as their own reader (a property block).
  bool sub(std::size_t n, reader& part) {
    if (left() < n) {
      return false;
    }
    part = reader(std::span<const std::uint8_t>(at_, n));
    at_ += n;
    return true;
  }

 private:
  const std::uint8_t* at_;
  const std::uint8_t* end_;
};

// ---- UTF-8 ------------------------------------------------------------------------------------

enum class utf8_status { ok, ill_formed, null_character };
// Well-formed per RFC 3629 (no overlong forms, no surrogates, nothing above U+10FFFF)
// [MQTT-1.5.4-1] and free of U+0000 [MQTT-1.5.4-2].
utf8_status check_utf8(std::string_view text);

// ---- errors -----------------------------------------------------------------------------------

inline error malformed(std::string message) {
  return error{reason_code::malformed_packet, std::move(message)};
}
inline error protocol_violation(std::string message) {
  return error{reason_code::protocol_error, std::move(message)};
}
// A field that the Remaining Length does not leave room for.
inline error truncated(std::string_view packet_name, std::string_view field) {
  std::string message(packet_name);
  message += ' ';
  message += field;
  message += " runs past the end of the packet (Remaining Length too short)";
  return malformed(std::move(message));
}
inline error left_over(std::string_view packet_name, std::size_t bytes) {
  std::string message(packet_name);
  message += " has ";
  message += std::to_string(bytes);
  message += " bytes left over after its last field (Remaining Length too long)";
  return malformed(std::move(message));
}

// Reads a UTF-8 Encoded String into `out`, reusing its capacity, and checks it is well-formed
// without U+0000 [MQTT-1.5.4-1] [MQTT-1.5.4-2].
std::optional<error> read_utf8(reader& in, std::string& out, std::string_view packet_name,
                               std::string_view field);
// Reads Binary Data into `out`; no content check.
std::optional<error> read_binary(reader& in, std::string& out, std::string_view packet_name,
                                 std::string_view field);
// A packet identifier, which must be non-zero [MQTT-2.3.1-1].
std::optional<error> read_packet_id(reader& in, std::uint16_t& out, std::string_view packet_name);

}  // namespace telemq::protocol::detail
