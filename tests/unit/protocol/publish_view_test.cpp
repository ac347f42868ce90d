// encode_publish for publish_view (the broker's delivery path) against the packet encoder.
#include "codec_test_support.hpp"

namespace telemq::protocol::test {
namespace {

TEST(PublishView, ByteIdenticalToTheEquivalentPacket) {
  properties message_props;
  message_props.content_type = "text/plain";
  message_props.user_properties = {{"k", "v"}};
  const std::uint32_t ids[] = {3, 400};
  publish_view view;
  view.topic = "a/b";
  view.payload = "payload";
  view.qos_level = qos::exactly_once;
  view.retain = true;
  view.dup = true;
  view.packet_id = 12;
  view.props = &message_props;
  view.message_expiry_interval = 30;
  view.topic_alias = 2;
  view.subscription_identifiers = ids;

  publish_packet same{"a/b", "payload", qos::exactly_once, true, true, 12, message_props};
  same.props.message_expiry_interval = 30;
  same.props.topic_alias = 2;
  same.props.subscription_identifiers = {3, 400};
  for (const protocol_version v : {v31, v311, v5}) {
    bytes wire;
    encode_publish(view, v, wire);
    EXPECT_EQ(wire.size(), encoded_size(view, v));
    EXPECT_EQ(decode_ok(wire, v), packet(decode_ok(encoded(same, v), v)));
  }
}

TEST(PublishView, PerDeliveryPropertiesReplaceTheMessages_MQTT_3_3_2_6) {
  // The stored message still carries the publisher's expiry, alias and identifiers.
  properties message_props;
  message_props.message_expiry_interval = 3600;
  message_props.topic_alias = 9;
  message_props.subscription_identifiers = {77};
  publish_view view;
  view.topic = "t";
  view.props = &message_props;
  view.message_expiry_interval = 10;
  bytes wire;
  encode_publish(view, v5, wire);
  const packet decoded = decode_ok(wire, v5);  // a repeated property would be a protocol error
  const auto& props = std::get<publish_packet>(decoded).props;
  EXPECT_EQ(props.message_expiry_interval, 10u);
  EXPECT_FALSE(props.topic_alias.has_value());
  EXPECT_TRUE(props.subscription_identifiers.empty());
}

}  // namespace
}  // namespace telemq::protocol::test
