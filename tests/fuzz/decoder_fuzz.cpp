// Fuzz target for the streaming decoder. The first byte chooses the version, the maximum packet
// size and how the rest is cut into feeds; the rest is the byte stream. Every packet that
// decodes must survive a round trip: encode it, decode the bytes, get the same packet back, and
// encoded_size must agree with encode. A broken invariant aborts, which the fuzzer reports.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <variant>

#include "broker/protocol/codec.hpp"

namespace {

using namespace telemq::protocol;

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "decoder_fuzz invariant broken: %s: %s\n", what, detail.c_str());
  std::abort();
}

void check_round_trip(const packet& p, protocol_version version) {
  byte_buffer wire;
  encode(p, version, wire);
  if (wire.size() != encoded_size(p, version)) {
    fail("encoded_size differs from encode", std::string(to_string(type_of(p))));
  }
  auto again = decode_packet(wire, version);
  if (!again.ok()) {
    fail("re-encoded packet does not decode", again.failure().message);
  }
  if (!(again.value() == p)) {
    fail("re-decoded packet differs", std::string(to_string(type_of(p))));
  }
  if (const auto* publish = std::get_if<publish_packet>(&p)) {
    publish_packet reused;
    reused.topic = "stale";
    reused.props.content_type = "stale";
    if (auto bad = decode_publish(wire, version, reused); bad || !(reused == *publish)) {
      fail("decode_publish disagrees with decode_packet", bad ? bad->message : "");
    }
    byte_buffer fast;
    encode_publish(*publish, version, fast);
    if (fast != wire) {
      fail("encode_publish differs from encode", "");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::uint8_t control = data[0];
  const std::span<const std::uint8_t> stream(data + 1, size - 1);

  constexpr protocol_version versions[] = {protocol_version::v3_1, protocol_version::v3_1_1,
                                           protocol_version::v5, protocol_version::v5};
  constexpr std::uint32_t limits[] = {max_variable_byte_integer + 5, 16, 128, 4096};
  const protocol_version version = versions[control & 0x03];
  const std::uint32_t limit = limits[(control >> 2) & 0x03];
  // 0: everything in one feed; otherwise feeds of 1 to 15 bytes.
  const std::size_t chunk = control >> 4 == 0 ? stream.size() + 1 : control >> 4;

  decoder d(limit);
  d.set_version(version);
  bool failed = false;
  for (std::size_t at = 0; at < stream.size() && !failed; at += chunk) {
    d.feed(stream.subspan(at, std::min(chunk, stream.size() - at)));
    while (true) {
      const protocol_version current = d.version();
      auto next = d.next();
      if (!next) {
        break;
      }
      if (!next->ok()) {
        failed = true;
        auto repeated = d.next();
        if (!repeated || repeated->ok() || !(repeated->failure() == next->failure())) {
          fail("decoder did not stay failed", next->failure().message);
        }
        break;
      }
      check_round_trip(next->value(), current);
    }
    if (d.buffered_bytes() > static_cast<std::size_t>(limit) + chunk) {
      fail("decoder buffered more than the maximum packet size", std::to_string(limit));
    }
  }
  d.shrink();

  // The one-shot decoder over the same bytes must never crash either.
  if (auto whole = decode_packet(stream, version); whole.ok()) {
    check_round_trip(whole.value(), version);
  }
  return 0;
}
