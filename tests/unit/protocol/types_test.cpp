// Names and mappings of types.hpp.
#include "broker/protocol/types.hpp"

#include <gtest/gtest.h>

#include "broker/protocol/packets.hpp"

namespace telemq::protocol {
namespace {

TEST(Types, PacketTypeNames) {
  EXPECT_EQ(to_string(packet_type::connect), "CONNECT");
  EXPECT_EQ(to_string(packet_type::unsuback), "UNSUBACK");
  EXPECT_EQ(to_string(packet_type::auth), "AUTH");
}

TEST(Types, ReasonCodeNames) {
  EXPECT_EQ(to_string(reason_code::success), "success");
  EXPECT_EQ(to_string(reason_code::packet_too_large), "packet too large");
  EXPECT_EQ(to_string(reason_code::wildcard_subscriptions_not_supported),
            "wildcard subscriptions not supported");
  EXPECT_EQ(to_string(static_cast<reason_code>(0x42)), "unknown reason code");
}

TEST(Types, ConnectReturnCodes_3_1_1_Section_3_2_2_3) {
  EXPECT_EQ(to_connect_return_code(reason_code::success), connect_return_code::accepted);
  EXPECT_EQ(to_connect_return_code(reason_code::unsupported_protocol_version),
            connect_return_code::unacceptable_protocol_version);
  EXPECT_EQ(to_connect_return_code(reason_code::client_identifier_not_valid),
            connect_return_code::identifier_rejected);
  EXPECT_EQ(to_connect_return_code(reason_code::server_unavailable),
            connect_return_code::server_unavailable);
  EXPECT_EQ(to_connect_return_code(reason_code::server_busy),
            connect_return_code::server_unavailable);
  EXPECT_EQ(to_connect_return_code(reason_code::bad_user_name_or_password),
            connect_return_code::bad_user_name_or_password);
  EXPECT_EQ(to_connect_return_code(reason_code::not_authorized),
            connect_return_code::not_authorized);
  EXPECT_EQ(to_connect_return_code(reason_code::banned), connect_return_code::not_authorized);
  EXPECT_EQ(to_connect_return_code(reason_code::bad_authentication_method),
            connect_return_code::bad_user_name_or_password);
  EXPECT_EQ(to_connect_return_code(reason_code::quota_exceeded),
            connect_return_code::server_unavailable);
}

TEST(Types, TypeOfEveryAlternative) {
  EXPECT_EQ(type_of(connect_packet{}), packet_type::connect);
  EXPECT_EQ(type_of(publish_packet{}), packet_type::publish);
  EXPECT_EQ(type_of(pubcomp_packet{}), packet_type::pubcomp);
  EXPECT_EQ(type_of(unsuback_packet{}), packet_type::unsuback);
  EXPECT_EQ(type_of(pingresp_packet{}), packet_type::pingresp);
  EXPECT_EQ(type_of(auth_packet{}), packet_type::auth);
  static_assert(std::variant_size_v<packet> == 15);
}

}  // namespace
}  // namespace telemq::protocol
