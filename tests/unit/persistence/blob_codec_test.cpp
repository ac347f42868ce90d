#include "persistence/blob_codec.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace telemq::persistence {
namespace {

protocol::properties every_property() {
  protocol::properties p;
  p.payload_format_indicator = 1;
  p.message_expiry_interval = 0xFFFFFFFF;
  p.content_type = "application/json";
  p.response_topic = "replies/7";
  p.correlation_data = std::string("\0\x01\xFF binary", 10);
  p.subscription_identifiers = {1, 268'435'455};
  p.session_expiry_interval = 3600;
  p.assigned_client_identifier = "auto-1";
  p.server_keep_alive = 65535;
  p.authentication_method = "SCRAM-SHA-1";
  p.authentication_data = std::string("\0\0", 2);
  p.request_problem_information = 0;
  p.will_delay_interval = 30;
  p.request_response_information = 1;
  p.response_information = "info";
  p.server_reference = "other:1883";
  p.reason_string = "because";
  p.receive_maximum = 10;
  p.topic_alias_maximum = 20;
  p.topic_alias = 3;
  p.maximum_qos = 1;
  p.retain_available = 0;
  p.user_properties = {{"a", "1"}, {"a", "2"}, {"", ""}};
  p.maximum_packet_size = 1 << 20;
  p.wildcard_subscription_available = 1;
  p.subscription_identifier_available = 0;
  p.shared_subscription_available = 1;
  return p;
}

TEST(BlobCodec, EveryPropertyRoundTrips) {
  const protocol::properties p = every_property();
  EXPECT_EQ(decode_properties(encode_properties(p)), p);
}

TEST(BlobCodec, AbsentPropertiesEncodeToNothing) {
  EXPECT_TRUE(encode_properties({}).empty());
  EXPECT_EQ(decode_properties(""), protocol::properties{});
}

TEST(BlobCodec, UserPropertiesKeepTheirOrderAndRepeats) {
  protocol::properties p;
  p.user_properties = {{"z", "1"}, {"a", "2"}, {"z", "3"}};
  EXPECT_EQ(decode_properties(encode_properties(p)).user_properties, p.user_properties);
}

TEST(BlobCodec, MalformedPropertiesAreRejected) {
  const std::string good = encode_properties(every_property());
  EXPECT_THROW(decode_properties(good.substr(0, good.size() - 1)), std::invalid_argument);
  EXPECT_THROW(decode_properties("\x7F"), std::invalid_argument);  // no such property
  // A one-byte property holding 300.
  EXPECT_THROW(decode_properties(std::string("\x01\xAC\x02", 3)), std::invalid_argument);
  EXPECT_THROW(decode_properties(std::string("\x03\x05"
                                             "ab",
                                             4)),
               std::invalid_argument);
}

TEST(BlobCodec, SubscriptionIdentifiersRoundTrip) {
  const std::vector<std::uint32_t> ids = {1, 127, 128, 16383, 16384, 268'435'455};
  EXPECT_EQ(decode_subscription_identifiers(encode_subscription_identifiers(ids)), ids);
  EXPECT_TRUE(encode_subscription_identifiers({}).empty());
  EXPECT_THROW(decode_subscription_identifiers("\x80"), std::invalid_argument);
}

}  // namespace
}  // namespace telemq::persistence
