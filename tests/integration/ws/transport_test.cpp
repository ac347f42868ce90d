// MQTT over WebSocket and secure WebSocket: the same engine as TCP, so every feature works the
// same; the byte stream, not the frames, carries the packets [MQTT-6.0.0-2].
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "ws_fixture.hpp"

namespace telemq::integration::ws {
namespace {

// Paho C 1.3's WebSocket code loses MQTT packets that share a frame (SUBACK and a retained
// message, say), which MQTT allows [MQTT-6.0.0-2] and the bridge does by default; the suites that
// use Paho over WebSocket therefore ask for one frame per packet. WsBatching checks the default.
class WsTransport : public ws_broker_test {
 protected:
  std::string ws_options() const override { return "frame_per_packet=1"; }
};

std::unique_ptr<test_client> connected(const std::string& uri, const std::string& id,
                                       protocol version = protocol::v5) {
  auto client = std::make_unique<test_client>(uri, id, version);
  client->connect();
  return client;
}

TEST_F(WsTransport, EveryQosRoundTripsOverWebSocket) {
  auto subscriber = connected(ws_uri(), "ws-sub");
  subscriber->subscribe("qos/#", 2);
  auto publisher = connected(ws_uri(), "ws-pub", protocol::v311);
  for (int qos = 0; qos <= 2; ++qos) {
    publisher->publish("qos/" + std::to_string(qos), "payload" + std::to_string(qos), qos);
  }
  ASSERT_TRUE(subscriber->messages().wait_for_count(3));
  const auto messages = subscriber->messages().snapshot();
  for (int qos = 0; qos <= 2; ++qos) {
    EXPECT_EQ(messages[qos]->get_topic(), "qos/" + std::to_string(qos));
    EXPECT_EQ(messages[qos]->to_string(), "payload" + std::to_string(qos));
    EXPECT_EQ(messages[qos]->get_qos(), qos);
  }
}

TEST_F(WsTransport, PublishedOverTcpIsReceivedOverWebSocketAndBack) {
  auto ws_side = connected(ws_uri(), "ws-side");
  auto tcp_side = connected(uri(), "tcp-side");
  ws_side->subscribe("to-ws", 1);
  tcp_side->subscribe("to-tcp", 1);
  tcp_side->publish("to-ws", "from tcp", 1);
  ws_side->publish("to-tcp", "from ws", 1);
  ASSERT_TRUE(ws_side->messages().wait_for_payload("from tcp"));
  ASSERT_TRUE(tcp_side->messages().wait_for_payload("from ws"));
}

TEST_F(WsTransport, RetainedMessageReachesALaterWebSocketSubscriber_MQTT_3_3_1_6) {
  connected(uri(), "tcp-pub")->publish("state/door", "open", 1, true);
  auto subscriber = connected(ws_uri(), "ws-sub");
  subscriber->subscribe("state/#", 1);
  ASSERT_TRUE(subscriber->messages().wait_for_payload("open"));
  EXPECT_TRUE(subscriber->messages().snapshot()[0]->is_retained());
}

TEST_F(WsTransport, WillOfAVanishedWebSocketClientIsPublished_MQTT_3_1_2_8) {
  auto watcher = connected(uri(), "watcher");
  watcher->subscribe("wills/#", 0);
  {
    ws_client device(ws_port());
    ASSERT_EQ(device.handshake().status, 101);
    device.send_frame(ws_client::binary, mqtt_bytes::connect("device-1", "wills/device-1", "gone"));
    ASSERT_TRUE(device.read_mqtt_until([](const std::string& b) { return b.size() >= 4; }));
    EXPECT_EQ(device.mqtt_bytes(), std::string(mqtt_bytes::connack_accepted, 4));
  }  // the socket closes without DISCONNECT
  ASSERT_TRUE(watcher->messages().wait_for_payload("gone"));
}

TEST_F(WsTransport, PacketsMaySpanFramesAndFramesMayHoldSeveralPackets_MQTT_6_0_0_2) {
  ws_client client(ws_port());
  ASSERT_EQ(client.handshake().status, 101);
  EXPECT_EQ(client.handshake().headers.at("sec-websocket-protocol"), "mqtt");
  const std::string connect = mqtt_bytes::connect("splitter");
  client.send_frame(ws_client::binary, connect.substr(0, 5));
  client.send_frame(ws_client::binary, connect.substr(5));
  ASSERT_TRUE(client.read_mqtt_until([](const std::string& b) { return b.size() >= 4; }));
  // SUBSCRIBE and a PUBLISH to the same topic in one frame: SUBACK, then the message back.
  client.send_frame(ws_client::binary,
                    mqtt_bytes::subscribe(1, "echo", 0) + mqtt_bytes::publish("echo", "hi"));
  const std::string expected = std::string(mqtt_bytes::connack_accepted, 4) +
                               std::string("\x90\x03\x00\x01\x00", 5) +
                               mqtt_bytes::publish("echo", "hi");
  ASSERT_TRUE(
      client.read_mqtt_until([&](const std::string& b) { return b.size() >= expected.size(); }));
  EXPECT_EQ(client.mqtt_bytes(), expected);
}

TEST_F(WsTransport, PingIsAnsweredWithPong) {
  ws_client client(ws_port());
  client.send_frame(ws_client::ping, "are you there");
  const auto frame = client.read_frame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->op, ws_client::pong);
  EXPECT_EQ(frame->payload, "are you there");
}

TEST_F(WsTransport, DisconnectEndsWithNormalCloseFrame) {
  ws_client client(ws_port());
  client.send_frame(ws_client::binary, mqtt_bytes::connect("leaver"));
  ASSERT_TRUE(client.read_mqtt_until([](const std::string& b) { return b.size() >= 4; }));
  client.send_frame(ws_client::binary, mqtt_bytes::disconnect());
  const auto frame = client.read_frame();
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->op, ws_client::close);
  EXPECT_EQ(frame->close_code(), 1000);
}

class WsBatching : public ws_broker_test {
 protected:
  // SUBACK and the retained message, both queued while the SUBSCRIBE is handled.
  std::vector<std::string> frames_after_subscribe() {
    connected(uri(), "tcp-pub")->publish("kept", "value", 0, true);
    ws_client client(ws_port());
    client.send_frame(ws_client::binary, mqtt_bytes::connect("batcher"));
    EXPECT_TRUE(client.read_mqtt_until([](const std::string& b) { return b.size() >= 4; }));
    client.send_frame(ws_client::binary, mqtt_bytes::subscribe(1, "kept", 0));
    std::vector<std::string> frames;
    std::size_t bytes = 0;
    const std::size_t expected = 5 + std::string("\x31\x0b\x00\x04keptvalue", 13).size();
    while (bytes < expected) {
      const auto frame = client.read_frame();
      if (!frame || frame->op != ws_client::binary) {
        break;
      }
      bytes += frame->payload.size();
      frames.push_back(frame->payload);
    }
    return frames;
  }
};

TEST_F(WsBatching, PacketsQueuedTogetherLeaveInOneFrame) {
  const auto frames = frames_after_subscribe();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0],
            std::string("\x90\x03\x00\x01\x00", 5) + std::string("\x31\x0b\x00\x04keptvalue", 13));
}

class WsFramePerPacket : public WsBatching {
 protected:
  std::string ws_options() const override { return "frame_per_packet=1"; }
};

TEST_F(WsFramePerPacket, EachPacketIsAFrameOfItsOwn) {
  const auto frames = frames_after_subscribe();
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], std::string("\x90\x03\x00\x01\x00", 5));
  EXPECT_EQ(frames[1], std::string("\x31\x0b\x00\x04keptvalue", 13));
}

TEST_F(WsTransport, Mqtt31ClientsGetTheirSubprotocol) {
  ws_client client(ws_port(), "/mqtt", "mqttv3.1");
  ASSERT_EQ(client.handshake().status, 101);
  EXPECT_EQ(client.handshake().headers.at("sec-websocket-protocol"), "mqttv3.1");
}

// A throwaway self-signed certificate for 127.0.0.1, made once for the suite.
class WssTransport : public ws_broker_test {
 public:
  static void SetUpTestSuite() {
    directory_ = make_temp_dir("telemq-it-wss-cert");
    const auto command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
        " -addext subjectAltName=IP:127.0.0.1 -keyout " +
        (directory_ / "key.pem").string() + " -out " + (directory_ / "cert.pem").string() +
        " 2>/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << "the openssl command failed: " << command;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(directory_); }

 protected:
  std::string ws_options() const override { return "frame_per_packet=1"; }
  std::string ws_scheme() const override { return "wss"; }
  std::vector<std::string> tls_args() const override {
    return {"--cert-file", (directory_ / "cert.pem").string(), "--key-file",
            (directory_ / "key.pem").string()};
  }

  std::unique_ptr<test_client> connected_wss(const std::string& id) {
    auto client = std::make_unique<test_client>(ws_uri(), id, protocol::v5);
    mqtt::ssl_options ssl;
    ssl.set_trust_store((directory_ / "cert.pem").string());
    ssl.set_enable_server_cert_auth(true);
    mqtt::connect_options options;
    options.set_ssl(ssl);
    options.set_clean_start(true);
    client->connect_with(options);
    return client;
  }

  static inline std::filesystem::path directory_;
};

TEST_F(WssTransport, QosRoundTripOverTlsWithVerifiedCertificate) {
  auto subscriber = connected_wss("wss-sub");
  subscriber->subscribe("secure/#", 2);
  auto publisher = connected_wss("wss-pub");
  publisher->publish("secure/a", "one", 1);
  publisher->publish("secure/b", "two", 2);
  ASSERT_TRUE(subscriber->messages().wait_for_count(2));
  EXPECT_EQ(subscriber->messages().payloads(), (std::vector<std::string>{"one", "two"}));
}

TEST_F(WssTransport, PublishedOverTcpIsReceivedOverSecureWebSocket) {
  auto subscriber = connected_wss("wss-sub");
  subscriber->subscribe("plain/to/secure", 1);
  connected(uri(), "tcp-pub")->publish("plain/to/secure", "crossed", 1);
  ASSERT_TRUE(subscriber->messages().wait_for_payload("crossed"));
}

}  // namespace
}  // namespace telemq::integration::ws
