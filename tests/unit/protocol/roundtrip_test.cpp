// Encoding a packet and decoding the bytes gives the same packet, for every packet type in every
// version; encoded_size always equals what encode appends.
#include <string>
#include <vector>

#include "codec_test_support.hpp"

namespace telemq::protocol::test {
namespace {

// Packets as a peer of `version` can send them: 5.0 ones with every allowed property, 3.x ones
// with only the fields 3.x can carry.
std::vector<packet> samples(protocol_version version) {
  const bool is_v5 = version == v5;
  auto props = [&](property_scope scope) { return is_v5 ? full_properties(scope) : properties{}; };
  std::vector<packet> out;

  connect_packet minimal;
  minimal.version = version;
  minimal.client_id = "c";
  out.push_back(minimal);

  connect_packet full;
  full.version = version;
  full.clean_start = false;
  full.keep_alive = 65'535;
  full.client_id = "sensor-\xE2\x82\xAC";
  full.will = will_message{"status/sensor", std::string("offline\x00\xFF", 9), qos::exactly_once,
                           true, props(property_scope::will)};
  full.username = "user";
  full.password = std::string("p\x00w", 3);
  full.props = props(property_scope::connect);
  out.push_back(full);
  if (is_v5) {
    connect_packet password_only;  // allowed in 5.0 only
    password_only.version = version;
    password_only.client_id = "";
    password_only.password = "secret";
    out.push_back(password_only);
  }

  // MQTT 3.1 has no Session Present flag.
  out.push_back(
      connack_packet{version != v31, reason_code::success, props(property_scope::connack)});
  out.push_back(connack_packet{false, reason_code::not_authorized, {}});
  out.push_back(connack_packet{false, reason_code::unsupported_protocol_version, {}});

  out.push_back(publish_packet{"a/b", "", qos::at_most_once, false, false, 0, {}});
  out.push_back(publish_packet{"sensors/t1", std::string(300, 'x'), qos::at_least_once, true, true,
                               1, props(property_scope::publish)});
  out.push_back(
      publish_packet{"/", std::string("\x00\x01", 2), qos::exactly_once, false, false, 65'535, {}});
  if (is_v5) {
    properties alias;
    alias.topic_alias = 5;
    out.push_back(publish_packet{"", "aliased", qos::at_most_once, false, false, 0, alias});
  }

  out.push_back(puback_packet{1, reason_code::success, {}});
  out.push_back(pubrec_packet{2, reason_code::success, {}});
  out.push_back(pubrel_packet{3, reason_code::success, {}});
  out.push_back(pubcomp_packet{65'535, reason_code::success, {}});
  if (is_v5) {
    out.push_back(puback_packet{4, reason_code::no_matching_subscribers, {}});
    out.push_back(puback_packet{4, reason_code::quota_exceeded, props(property_scope::puback)});
    out.push_back(pubrec_packet{5, reason_code::success, props(property_scope::pubrec)});
    out.push_back(
        pubrel_packet{6, reason_code::packet_identifier_not_found, props(property_scope::pubrel)});
    out.push_back(pubcomp_packet{7, reason_code::packet_identifier_not_found, {}});
  }

  subscribe_packet subscribe;
  subscribe.packet_id = 10;
  subscribe.subscriptions.push_back({"a/+/c", {qos::at_most_once}});
  subscribe.subscriptions.push_back({"#", {qos::exactly_once}});
  // Filters the core rejects per filter still decode.
  subscribe.subscriptions.push_back({"bad/#/filter", {qos::at_least_once}});
  if (is_v5) {
    subscribe.subscriptions.push_back({"x", {qos::at_least_once, true, true, 2}});
    subscribe.subscriptions.push_back({"$share/g/x", {qos::at_least_once, false, true, 1}});
    subscribe.props = props(property_scope::subscribe);
  }
  out.push_back(subscribe);

  suback_packet suback{10,
                       {reason_code::granted_qos_0, reason_code::granted_qos_1,
                        reason_code::granted_qos_2, reason_code::unspecified_error},
                       {}};
  if (is_v5) {
    suback.reasons.push_back(reason_code::topic_filter_invalid);
    suback.reasons.push_back(reason_code::wildcard_subscriptions_not_supported);
    suback.props = props(property_scope::suback);
  }
  out.push_back(suback);

  out.push_back(
      unsubscribe_packet{11, {"a/b", "#", "$share/g/+"}, props(property_scope::unsubscribe)});
  if (is_v5) {
    out.push_back(unsuback_packet{
        11,
        {reason_code::success, reason_code::no_subscription_existed, reason_code::not_authorized},
        props(property_scope::unsuback)});
  } else {
    out.push_back(unsuback_packet{11, {}, {}});
  }

  out.push_back(pingreq_packet{});
  out.push_back(pingresp_packet{});
  out.push_back(disconnect_packet{});
  if (is_v5) {
    out.push_back(disconnect_packet{reason_code::disconnect_with_will_message, {}});
    out.push_back(
        disconnect_packet{reason_code::session_taken_over, props(property_scope::disconnect)});
    out.push_back(auth_packet{});
    out.push_back(auth_packet{reason_code::continue_authentication, props(property_scope::auth)});
    out.push_back(auth_packet{reason_code::re_authenticate, {}});
  }
  return out;
}

class RoundTrip : public ::testing::TestWithParam<protocol_version> {};

TEST_P(RoundTrip, EveryPacketTypeDecodesToWhatWasEncoded) {
  const protocol_version version = GetParam();
  std::vector<bool> seen(16, false);
  for (const packet& original : samples(version)) {
    SCOPED_TRACE(std::string(to_string(type_of(original))));
    const bytes wire = encoded(original, version);
    EXPECT_EQ(wire.size(), encoded_size(original, version));
    auto decoded = decode_packet(wire, version);
    ASSERT_TRUE(decoded.ok()) << decoded.failure().message;
    EXPECT_EQ(*decoded, original);
    seen[static_cast<std::size_t>(type_of(original))] = true;
  }
  const std::size_t types = version == v5 ? 15 : 14;  // AUTH is 5.0 only
  for (std::size_t t = 1; t <= types; ++t) {
    EXPECT_TRUE(seen[t]) << "no sample of " << to_string(static_cast<packet_type>(t));
  }
}

TEST_P(RoundTrip, EncodeAppendsToWhatIsAlreadyInTheBuffer) {
  const protocol_version version = GetParam();
  bytes buffer{0xAA, 0xBB};
  std::size_t expected = buffer.size();
  for (const packet& p : samples(version)) {
    encode(p, version, buffer);
    expected += encoded_size(p, version);
  }
  ASSERT_EQ(buffer.size(), expected);
  EXPECT_EQ(buffer[0], 0xAA);
  decoder stream;
  stream.set_version(version);
  stream.feed(std::span(buffer).subspan(2));
  for (const packet& p : samples(version)) {
    auto next = stream.next();
    ASSERT_TRUE(next.has_value());
    ASSERT_TRUE(next->ok()) << next->failure().message;
    EXPECT_EQ(next->value(), p);
  }
  EXPECT_FALSE(stream.next().has_value());
}

INSTANTIATE_TEST_SUITE_P(Versions, RoundTrip, ::testing::Values(v31, v311, v5),
                         [](const auto& info) {
                           return info.param == v31    ? std::string("MQTT_3_1")
                                  : info.param == v311 ? std::string("MQTT_3_1_1")
                                                       : std::string("MQTT_5_0");
                         });

TEST(RoundTrip, LargeRemainingLengthsUseLongerVariableByteIntegers) {
  for (const std::size_t payload : {100u, 200u, 16'400u, 2'100'000u}) {
    publish_packet p{"t", std::string(payload, 'p'), qos::at_least_once, false, false, 9, {}};
    const bytes wire = encoded(p, v5);
    EXPECT_EQ(wire.size(), encoded_size(p, v5));
    auto decoded = decode_packet(wire, v5);
    ASSERT_TRUE(decoded.ok()) << decoded.failure().message;
    EXPECT_EQ(*decoded, packet(p));
  }
}

}  // namespace
}  // namespace telemq::protocol::test
