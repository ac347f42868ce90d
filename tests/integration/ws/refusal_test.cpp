// Bad input on a ws:// listener gets a clear refusal, and the broker goes on serving everyone
// else.
#include <gtest/gtest.h>

#include "ws_fixture.hpp"

namespace telemq::integration::ws {
namespace {

class WsRefusal : public ws_broker_test {
 protected:
  // A fresh WebSocket client still gets its messages after the refusal.
  void expect_still_serving() {
    test_client client(ws_uri(), "after-refusal", protocol::v5);
    client.connect();
    client.subscribe("alive", 0);
    client.publish("alive", "yes", 0);
    EXPECT_TRUE(client.messages().wait_for_payload("yes"));
  }
};

TEST_F(WsRefusal, GarbageInsteadOfHttpGetsBadRequest) {
  tcp_connection c(ws_port());
  c.send(std::string("\x10\x0c\x00\x04MQTT\x04\x02\x00\x3c\r\n\r\n", 16));
  ASSERT_TRUE(c.read_to_end());
  const auto reply = parse_http_reply(c.buffer());
  EXPECT_EQ(reply.status, 400);
  EXPECT_NE(reply.body.find("malformed HTTP request"), std::string::npos) << reply.body;
  expect_still_serving();
}

TEST_F(WsRefusal, TextFrameIsRefusedWithProtocolError_MQTT_6_0_0_1) {
  ws_client client(ws_port());
  ASSERT_EQ(client.handshake().status, 101);
  client.send_frame(ws_client::text, "CONNECT please");
  const auto frame = client.read_frame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->op, ws_client::close);
  EXPECT_EQ(frame->close_code(), 1002);
  expect_still_serving();
}

TEST_F(WsRefusal, FrameAboveTheMaximumPacketSizeIsRefusedWithMessageTooBig) {
  ws_client client(ws_port());
  ASSERT_EQ(client.handshake().status, 101);
  client.send_frame_header(ws_client::binary, 2 * 1024 * 1024);  // the default maximum is 1 MiB
  const auto frame = client.read_frame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->op, ws_client::close);
  EXPECT_EQ(frame->close_code(), 1009);
  expect_still_serving();
}

TEST_F(WsRefusal, MalformedFrameIsRefusedWithProtocolError) {
  ws_client client(ws_port());
  ASSERT_EQ(client.handshake().status, 101);
  client.connection().send(std::string("\x82\x05hello", 7));  // a client frame must be masked
  const auto frame = client.read_frame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->close_code(), 1002);
  expect_still_serving();
}

TEST_F(WsRefusal, OnlyNonMqttSubprotocolsGetBadRequestSayingWhatToOffer) {
  ws_client client(ws_port(), "/mqtt", "chat, superchat");
  EXPECT_EQ(client.handshake().status, 400);
  EXPECT_NE(client.handshake().body.find("subprotocol 'mqtt'"), std::string::npos)
      << client.handshake().body;
  expect_still_serving();
}

TEST_F(WsRefusal, GarbageMqttInsideFramesClosesThatConnectionOnly) {
  ws_client client(ws_port());
  client.send_frame(ws_client::binary, std::string("\x10\x03\xff\xff\xff", 5));
  EXPECT_TRUE(client.connection().read_to_end());
  expect_still_serving();
}

TEST_F(WsRefusal, UpgradeOnAnotherPathIsNotFound) {
  ws_client client(ws_port(), "/elsewhere");
  EXPECT_EQ(client.handshake().status, 404);
  expect_still_serving();
}

TEST_F(WsRefusal, BadFilterOnEventsIsBadRequestNamingTheFilter) {
  const auto reply = http_call(ws_port(), "GET", "/events?topic=a/%23/b");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.headers.at("content-type"), "application/json");
  EXPECT_NE(reply.body.find("'a/#/b'"), std::string::npos) << reply.body;
  expect_still_serving();
}

}  // namespace
}  // namespace telemq::integration::ws
