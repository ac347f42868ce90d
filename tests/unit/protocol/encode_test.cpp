// Encoder properties that the round trip does not show: the fast paths are byte-identical to
// encode() and allocate nothing when the buffer has room; 3.x down-conversion.
#include <atomic>
#include <cstdlib>
#include <new>

#include "codec_test_support.hpp"

namespace {
std::atomic<std::size_t> allocations{0};
}  // namespace

// Counting replacements of the global allocation functions for this test binary.
void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
// g++ pairs the replaced operator new with free() and warns; the pairing is intended here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
#pragma GCC diagnostic pop

namespace telemq::protocol::test {
namespace {

TEST(Encode, EncodeAckIsByteIdenticalToEncode) {
  const packet_type types[] = {packet_type::puback, packet_type::pubrec, packet_type::pubrel,
                               packet_type::pubcomp};
  for (const protocol_version v : {v31, v311, v5}) {
    for (const packet_type type : types) {
      for (const reason_code reason : {reason_code::success, reason_code::no_matching_subscribers,
                                       reason_code::packet_identifier_not_found}) {
        bytes fast;
        encode_ack(type, 513, reason, v, fast);
        packet p;
        switch (type) {
          case packet_type::puback:
            p = puback_packet{513, reason, {}};
            break;
          case packet_type::pubrec:
            p = pubrec_packet{513, reason, {}};
            break;
          case packet_type::pubrel:
            p = pubrel_packet{513, reason, {}};
            break;
          default:
            p = pubcomp_packet{513, reason, {}};
            break;
        }
        EXPECT_EQ(fast, encoded(p, v));
      }
    }
  }
}

TEST(Encode, EncodePublishIsByteIdenticalToEncode) {
  const publish_packet p{
      "a/b", "xyz", qos::at_least_once, true, false, 77, full_properties(property_scope::publish)};
  for (const protocol_version v : {v31, v311, v5}) {
    bytes fast;
    encode_publish(p, v, fast);
    EXPECT_EQ(fast, encoded(p, v));
  }
}

TEST(Encode, PublishAndAcksAllocateNothingWhenTheBufferHasRoom) {
  publish_packet p{
      "sensors/room1/temperature", std::string(64, 'x'), qos::at_least_once, false, false, 5, {}};
  p.props.user_properties = {{"unit", "celsius"}};
  p.props.message_expiry_interval = 60;
  bytes out;
  out.reserve(4096);
  const std::size_t before = allocations.load();
  for (int i = 0; i < 10; ++i) {
    out.clear();
    encode_publish(p, v5, out);
    encode_publish(p, v311, out);
    encode_ack(packet_type::puback, 5, reason_code::success, v5, out);
    encode_ack(packet_type::pubrec, 5, reason_code::quota_exceeded, v5, out);
    encode(pingresp_packet{}, v311, out);
  }
  EXPECT_EQ(allocations.load(), before);
}

TEST(Encode, DecodePublishIntoAWarmPacketAllocatesNothing) {
  const bytes wire = encoded(publish_packet{"sensors/room1/temperature",
                                            std::string(64, 'x'),
                                            qos::at_least_once,
                                            false,
                                            false,
                                            5,
                                            {}},
                             v5);
  publish_packet reused;
  ASSERT_FALSE(decode_publish(wire, v5, reused).has_value());
  const std::size_t before = allocations.load();
  for (int i = 0; i < 10; ++i) {
    ASSERT_FALSE(decode_publish(wire, v5, reused).has_value());
  }
  EXPECT_EQ(allocations.load(), before);
}

TEST(Encode, EncodedSizeMatchesForAllPacketsAndVersions) {
  const std::vector<packet> packets = {
      connect_packet{v5, true, 1, "c", will_message{"w", "p"}, "u", "p",
                     full_properties(property_scope::connect)},
      connack_packet{true, reason_code::success, full_properties(property_scope::connack)},
      publish_packet{"t", std::string(70'000, 'x'), qos::exactly_once, false, false, 1,
                     full_properties(property_scope::publish)},
      disconnect_packet{reason_code::server_moved, full_properties(property_scope::disconnect)},
      auth_packet{reason_code::re_authenticate, full_properties(property_scope::auth)},
  };
  for (const protocol_version v : {v31, v311, v5}) {
    for (const packet& p : packets) {
      EXPECT_EQ(encoded(p, v).size(), encoded_size(p, v));
    }
  }
}

TEST(Encode, SubackBefore5MapsEveryFailureTo0x80) {
  const suback_packet ack{
      1,
      {reason_code::granted_qos_2, reason_code::not_authorized, reason_code::quota_exceeded,
       reason_code::shared_subscriptions_not_supported},
      {}};
  EXPECT_EQ(encoded(ack, v311), (bytes{0x90, 0x06, 0x00, 0x01, 0x02, 0x80, 0x80, 0x80}));
}

TEST(Encode, ConnackBefore5CarriesTheMappedReturnCode) {
  for (const reason_code r :
       {reason_code::server_busy, reason_code::banned, reason_code::client_identifier_not_valid}) {
    const bytes wire = encoded(connack_packet{false, r, {}}, v311);
    ASSERT_EQ(wire.size(), 4u);
    EXPECT_EQ(wire[3], static_cast<std::uint8_t>(to_connect_return_code(r)));
  }
}

}  // namespace
}  // namespace telemq::protocol::test
