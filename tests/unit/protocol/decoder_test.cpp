// The streaming decoder: arbitrary chunking, many packets per feed, the maximum packet size
// enforced from the fixed header, and the failed state.
#include <numeric>

#include "codec_test_support.hpp"

namespace telemq::protocol::test {
namespace {

std::vector<packet> some_packets() {
  return {publish_packet{"a/b", "hello", qos::at_least_once, false, false, 1, {}},
          pingreq_packet{},
          subscribe_packet{2, {{"x/#", {qos::exactly_once}}}, {}},
          publish_packet{"big", std::string(20'000, 'z'), qos::at_most_once, true, false, 0, {}},
          puback_packet{3},
          disconnect_packet{}};
}

bytes stream_of(const std::vector<packet>& packets, protocol_version v) {
  bytes out;
  for (const packet& p : packets) {
    encode(p, v, out);
  }
  return out;
}

std::vector<packet> drain(decoder& d) {
  std::vector<packet> out;
  while (auto next = d.next()) {
    EXPECT_TRUE(next->ok()) << next->failure().message;
    if (!next->ok()) {
      break;
    }
    out.push_back(std::move(*next).value());
  }
  return out;
}

TEST(Decoder, OneByteAtATime) {
  const auto packets = some_packets();
  const bytes wire = stream_of(packets, v311);
  decoder d;
  std::vector<packet> got;
  for (const std::uint8_t b : wire) {
    d.feed(std::span(&b, 1));
    for (packet& p : drain(d)) {
      got.push_back(std::move(p));
    }
  }
  EXPECT_EQ(got, packets);
  EXPECT_EQ(d.buffered_bytes(), 0u);
}

TEST(Decoder, ManyPacketsInOneFeed) {
  const auto packets = some_packets();
  decoder d;
  d.feed(stream_of(packets, v311));
  EXPECT_EQ(drain(d), packets);
  EXPECT_FALSE(d.next().has_value());
}

TEST(Decoder, UnevenChunks) {
  const auto packets = some_packets();
  const bytes wire = stream_of(packets, v311);
  for (const std::size_t chunk : {2u, 3u, 7u, 1000u, 4096u}) {
    decoder d;
    std::vector<packet> got;
    for (std::size_t i = 0; i < wire.size(); i += chunk) {
      d.feed(std::span(wire).subspan(i, std::min(chunk, wire.size() - i)));
      for (packet& p : drain(d)) {
        got.push_back(std::move(p));
      }
    }
    EXPECT_EQ(got, packets) << chunk;
  }
}

TEST(Decoder, PartialPacketIsNotReturned) {
  const bytes wire = encoded(publish_packet{"a", "payload"}, v311);
  decoder d;
  d.feed(std::span(wire).first(wire.size() - 1));
  EXPECT_FALSE(d.next().has_value());
  EXPECT_EQ(d.buffered_bytes(), wire.size() - 1);
  d.feed(std::span(wire).last(1));
  auto next = d.next();
  ASSERT_TRUE(next && next->ok());
}

TEST(Decoder, OversizedPacketRefusedBeforeItsBodyIsBuffered) {
  decoder d(1024);
  const bytes small = encoded(pingreq_packet{}, v311);
  const bytes big = encoded(publish_packet{"t", std::string(100'000, 'x')}, v311);
  d.feed(small);
  // The header alone is enough to refuse.
  d.feed(std::span(big).first(4));
  EXPECT_LE(d.buffered_bytes(), small.size());
  // The body that follows is not buffered either.
  d.feed(std::span(big).subspan(4));
  EXPECT_LE(d.buffered_bytes(), small.size());
  // The packet before it is still delivered, then the error.
  auto first = d.next();
  ASSERT_TRUE(first && first->ok());
  EXPECT_EQ(first->value(), packet(pingreq_packet{}));
  auto refused = d.next();
  ASSERT_TRUE(refused.has_value());
  ASSERT_FALSE(refused->ok());
  EXPECT_EQ(refused->failure().code, reason_code::packet_too_large);
  EXPECT_EQ(d.buffered_bytes(), 0u);
}

TEST(Decoder, OversizedPacketInOneFeedIsNotBuffered) {
  decoder d(1000);
  const bytes big = encoded(publish_packet{"t", std::string(5000, 'x')}, v5);
  d.feed(big);
  EXPECT_EQ(d.buffered_bytes(), 0u);
  auto refused = d.next();
  ASSERT_TRUE(refused && !refused->ok());
  EXPECT_EQ(refused->failure().code, reason_code::packet_too_large);
}

TEST(Decoder, MaximumPacketSizeCountsTheWholePacket) {
  const bytes wire = encoded(publish_packet{"t", std::string(100, 'x')}, v311);
  decoder exact(static_cast<std::uint32_t>(wire.size()));
  exact.feed(wire);
  auto ok = exact.next();
  ASSERT_TRUE(ok && ok->ok());
  decoder one_less(static_cast<std::uint32_t>(wire.size() - 1));
  one_less.feed(wire);
  auto refused = one_less.next();
  ASSERT_TRUE(refused && !refused->ok());
  EXPECT_EQ(refused->failure().code, reason_code::packet_too_large);
}

TEST(Decoder, StaysFailedAfterAnError) {
  decoder d;
  d.feed(bytes{0x36, 0x03, 0x00, 0x01, 'a'});  // QoS 3
  auto bad = d.next();
  ASSERT_TRUE(bad && !bad->ok());
  EXPECT_TRUE(d.failed());
  d.feed(encoded(pingreq_packet{}, v311));
  auto again = d.next();
  ASSERT_TRUE(again && !again->ok());
  EXPECT_EQ(again->failure(), bad->failure());
  EXPECT_EQ(d.buffered_bytes(), 0u);
}

TEST(Decoder, RemainingLengthLongerThanFourBytesIsMalformed) {
  decoder d;
  d.feed(bytes{0x30, 0xFF, 0xFF, 0xFF, 0xFF});
  auto bad = d.next();
  ASSERT_TRUE(bad && !bad->ok());
  EXPECT_EQ(bad->failure().code, reason_code::malformed_packet);
}

TEST(Decoder, AcceptsTheLargestRemainingLengthHeader) {
  decoder d;
  d.feed(bytes{0x30, 0xFF, 0xFF, 0xFF, 0x7F, 0x00, 0x01});
  EXPECT_FALSE(d.next().has_value());  // waiting for 268,435,455 bytes
  EXPECT_EQ(d.buffered_bytes(), 7u);
}

TEST(Decoder, FirstByteNoVersionAllowsFailsAlone) {
  for (const std::uint8_t first : {std::uint8_t{0x00}, std::uint8_t{0x47}, std::uint8_t{0xC3}}) {
    decoder d;
    d.feed(bytes{first});  // nothing after it: no Remaining Length yet
    auto bad = d.next();
    ASSERT_TRUE(bad && !bad->ok()) << int(first);
    EXPECT_EQ(bad->failure().code, reason_code::malformed_packet);
    EXPECT_EQ(d.buffered_bytes(), 0u);
  }
}

TEST(Decoder, FirstByteAnotherVersionAllowsWaitsForTheConnect) {
  // AUTH is 5.0 only and the DUP flag on SUBSCRIBE 3.1 only; the CONNECT before them in the
  // same feed may switch to that version, so neither is refused at the header.
  for (const std::uint8_t first : {std::uint8_t{0xF0}, std::uint8_t{0x8A}}) {
    decoder d;
    d.feed(bytes{first});
    EXPECT_FALSE(d.next().has_value()) << int(first);
    EXPECT_FALSE(d.failed());
  }
}

TEST(Decoder, ConnectSwitchesToItsVersion) {
  connect_packet c;
  c.version = v5;
  c.client_id = "c";
  bytes wire = encoded(c, v5);
  encode(puback_packet{1, reason_code::no_matching_subscribers, {}}, v5, wire);
  decoder d;  // starts at 3.1.1
  d.feed(wire);
  const auto got = drain(d);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(d.version(), v5);
  EXPECT_EQ(std::get<puback_packet>(got[1]).reason, reason_code::no_matching_subscribers);
}

TEST(Decoder, ShrinkReleasesMemoryWhenIdle) {
  decoder d;
  d.feed(encoded(publish_packet{"t", std::string(10'000, 'x')}, v311));
  ASSERT_TRUE(d.next().has_value());
  d.shrink();
  EXPECT_EQ(d.buffered_bytes(), 0u);
  // Still usable afterwards.
  d.feed(encoded(pingreq_packet{}, v311));
  auto next = d.next();
  ASSERT_TRUE(next && next->ok());
}

TEST(Decoder, NextFrameHandsOutEachPacketsBytes) {
  const auto packets = some_packets();
  decoder d;
  const bytes wire = stream_of(packets, v5);
  d.feed(std::span(wire).first(wire.size() - 1));  // the last packet is not complete
  std::size_t offset = 0;
  for (std::size_t i = 0; i + 1 < packets.size(); ++i) {
    const bytes expected = encoded(packets[i], v5);
    const auto frame = d.next_frame();
    ASSERT_EQ(bytes(frame.begin(), frame.end()), expected) << i;
    offset += frame.size();
  }
  EXPECT_TRUE(d.next_frame().empty());
  EXPECT_FALSE(d.next().has_value());
  d.feed(std::span(wire).last(1));
  const auto last = d.next_frame();
  EXPECT_EQ(bytes(last.begin(), last.end()), encoded(packets.back(), v5));
  EXPECT_EQ(offset + last.size(), wire.size());
}

TEST(Decoder, NextFrameStopsAtABrokenStreamAndNextSaysWhy) {
  decoder d(64);
  bytes wire = encoded(puback_packet{7}, v311);
  const bytes too_big = encoded(
      publish_packet{"t", std::string(100, 'x'), qos::at_most_once, false, false, 0, {}}, v311);
  wire.insert(wire.end(), too_big.begin(), too_big.end());
  d.feed(wire);
  EXPECT_EQ(d.next_frame().size(), 4u);
  EXPECT_TRUE(d.next_frame().empty());
  auto bad = d.next();
  ASSERT_TRUE(bad && !bad->ok());
  EXPECT_EQ(bad->failure().code, reason_code::packet_too_large);
}

TEST(Decoder, ShrinkKeepsPendingBytes) {
  decoder d;
  const bytes wire = encoded(pingreq_packet{}, v311);
  d.feed(std::span(wire).first(1));
  d.shrink();
  EXPECT_EQ(d.buffered_bytes(), 1u);
  d.feed(std::span(wire).last(1));
  auto next = d.next();
  ASSERT_TRUE(next && next->ok());
}

TEST(Decoder, LongStreamStaysLinear) {
  // 200,000 small packets fed in chunks that split packets: buffered bytes never grow.
  const bytes one = encoded(publish_packet{"t", "0123456789"}, v311);
  bytes chunk;
  for (int i = 0; i < 100; ++i) {
    chunk.insert(chunk.end(), one.begin(), one.end());
  }
  decoder d;
  std::size_t decoded = 0;
  for (int round = 0; round < 2000; ++round) {
    d.feed(std::span(chunk).first(chunk.size() - 5));
    d.feed(std::span(chunk).last(5));
    while (auto next = d.next()) {
      ASSERT_TRUE(next->ok());
      ++decoded;
    }
    EXPECT_LT(d.buffered_bytes(), one.size());
  }
  EXPECT_EQ(decoded, 200'000u);
}

}  // namespace
}  // namespace telemq::protocol::test
