// The streaming decoder: frames packets out of whatever bytes arrive, refusing an oversized
// packet from its fixed header alone.
#include <algorithm>
#include <string>

#include "broker/protocol/codec.hpp"
#include "broker/protocol/fixed_header.hpp"

namespace telemq::protocol {

namespace {

error too_large(std::size_t size, std::uint32_t limit) {
  return error{reason_code::packet_too_large,
               "packet of " + std::to_string(size) + " bytes exceeds the maximum packet size of " +
                   std::to_string(limit) + " bytes [MQTT-3.2.2-15] [MQTT-3.1.2-24]"};
}

}  // namespace

decoder::decoder(std::uint32_t max_packet_size) : max_packet_size_(max_packet_size) {}

void decoder::check_headers(std::span<const std::uint8_t> incoming, std::size_t& accepted) {
  // Walk the packet boundaries over the buffered bytes followed by `incoming`, as if they were
  // already one stream, so nothing is appended before its header has been judged.
  const std::size_t buffered = buffer_.size();
  const std::size_t total = buffered + incoming.size();
  accepted = incoming.size();
  while (unchecked_ < total) {
    const std::size_t start = unchecked_;
    const auto at = [&](std::size_t i) {
      const std::size_t pos = start + i;
      return pos < buffered ? buffer_[pos] : incoming[pos - buffered];
    };
    detail::fixed_header header;
    // The first byte is judged alone, so a peer that is not speaking MQTT is refused at once
    // instead of when its idea of a Remaining Length has arrived. The version may still change
    // (these bytes may follow a CONNECT not yet decoded), so only a byte that no version
    // allows is refused here; next() applies the negotiated version's rules.
    auto bad_first_byte = detail::check_first_byte(at(0), protocol_version::v5);
    if (bad_first_byte && !detail::check_first_byte(at(0), protocol_version::v3_1)) {
      bad_first_byte.reset();
    }
    const auto status = bad_first_byte ? detail::header_status::complete
                                       : detail::parse_fixed_header(at, total - start, header);
    if (status == detail::header_status::incomplete) {
      return;
    }
    if (bad_first_byte) {
      failure_ = std::make_unique<error>(std::move(*bad_first_byte));
    } else if (status == detail::header_status::malformed) {
      failure_ = std::make_unique<error>(detail::malformed_remaining_length());
    } else if (header.packet_size() > max_packet_size_) {
      failure_ = std::make_unique<error>(too_large(header.packet_size(), max_packet_size_));
    } else {
      unchecked_ = static_cast<std::uint32_t>(start + header.packet_size());
      continue;
    }
    // Keep the packets before the bad header; drop the header and everything after it.
    if (start < buffered) {
      buffer_.resize(start);
      accepted = 0;
    } else {
      accepted = start - buffered;
    }
    unchecked_ = static_cast<std::uint32_t>(start);
    return;
  }
}

void decoder::compact() {
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
    unchecked_ -= consumed_;
    consumed_ = 0;
  } else if (consumed_ >= buffer_.size() / 2) {
    // Moving the tail only once it is no longer than what is dropped keeps the cost linear in
    // the bytes received, however many packets each feed carries.
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(consumed_));
    unchecked_ -= consumed_;
    consumed_ = 0;
  }
}

void decoder::feed(std::span<const std::uint8_t> bytes) {
  if (failure_ || bytes.empty()) {
    return;
  }
  if (consumed_ != 0) {
    compact();
  }
  std::size_t accepted = 0;
  check_headers(bytes, accepted);
  buffer_.insert(buffer_.end(), bytes.begin(),
                 bytes.begin() + static_cast<std::ptrdiff_t>(accepted));
}

std::optional<result<packet>> decoder::next() {
  // Every path returns `out`, so it is built in the caller's storage and the packet decoded
  // into it is never moved.
  std::optional<result<packet>> out;
  if (failed_) {
    out.emplace(*failure_);
    return out;
  }
  if (consumed_ < unchecked_) {
    // A header before unchecked_ is complete and was judged when it arrived.
    const std::span<const std::uint8_t> pending(buffer_.data() + consumed_,
                                                buffer_.size() - consumed_);
    detail::fixed_header header;
    detail::parse_fixed_header([&](std::size_t i) { return pending[i]; }, pending.size(), header);
    if (header.packet_size() > max_packet_size_) {
      // The limit was lowered after the header arrived.
      failure_ = std::make_unique<error>(too_large(header.packet_size(), max_packet_size_));
    } else if (header.packet_size() > pending.size()) {
      return out;  // the body is still arriving
    } else {
      result<packet>& decoded = out.emplace(std::in_place, std::in_place_type<pingreq_packet>);
      auto bad = detail::decode_body(header.first_byte,
                                     pending.subspan(header.size, header.remaining_length),
                                     version_, decoded.value());
      consumed_ += header.packet_size();
      if (consumed_ == buffer_.size()) {
        compact();
      }
      if (!bad) {
        if (const auto* connect = std::get_if<connect_packet>(&decoded.value())) {
          version_ = connect->version;
        }
        return out;
      }
      failure_ = std::make_unique<error>(std::move(*bad));
    }
  }
  if (failure_) {
    failed_ = true;
    buffer_.clear();
    consumed_ = unchecked_ = 0;
    out.emplace(*failure_);
  }
  return out;
}

std::span<const std::uint8_t> decoder::next_frame() {
  if (failed_ || consumed_ >= unchecked_) {
    return {};
  }
  const std::span<const std::uint8_t> pending(buffer_.data() + consumed_,
                                              buffer_.size() - consumed_);
  detail::fixed_header header;
  detail::parse_fixed_header([&](std::size_t i) { return pending[i]; }, pending.size(), header);
  if (header.packet_size() > max_packet_size_ || header.packet_size() > pending.size()) {
    return {};  // too large (next() reports it) or still arriving
  }
  // Not compacted here: the span points into the buffer, which feed() compacts.
  consumed_ += header.packet_size();
  return pending.first(header.packet_size());
}

void decoder::shrink() {
  if (buffered_bytes() != 0) {
    return;
  }
  buffer_.clear();
  buffer_.shrink_to_fit();
  consumed_ = 0;
  unchecked_ = 0;
}

}  // namespace telemq::protocol
