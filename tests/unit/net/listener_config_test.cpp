#include "broker/net/listener_config.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace telemq::net {
namespace {

TEST(ListenerUrl, SchemeHostAndPort) {
  const auto l = parse_listener_url("mqtt://127.0.0.1:1883");
  EXPECT_EQ(l.scheme, "mqtt");
  EXPECT_EQ(l.host, "127.0.0.1");
  EXPECT_EQ(l.port, 1883);
  EXPECT_EQ(l.path, "");
  EXPECT_EQ(l.url, "mqtt://127.0.0.1:1883");
  EXPECT_FALSE(l.secure());
}

TEST(ListenerUrl, BracketedIpv6) {
  const auto l = parse_listener_url("mqtts://[::1]:8883");
  EXPECT_EQ(l.scheme, "mqtts");
  EXPECT_EQ(l.host, "::1");
  EXPECT_EQ(l.port, 8883);
  EXPECT_TRUE(l.secure());
}

TEST(ListenerUrl, PathIsKeptForWebSockets) {
  const auto l = parse_listener_url("ws://0.0.0.0:8080/mqtt");
  EXPECT_EQ(l.host, "0.0.0.0");
  EXPECT_EQ(l.port, 8080);
  EXPECT_EQ(l.path, "/mqtt");
}

TEST(ListenerUrl, HostNames) {
  EXPECT_EQ(parse_listener_url("mqtt://localhost:1883").host, "localhost");
  EXPECT_EQ(parse_listener_url("mqtt://broker.example:1883").host, "broker.example");
}

TEST(ListenerUrl, PortZeroAsksTheSystemForOne) {
  EXPECT_EQ(parse_listener_url("mqtt://127.0.0.1:0").port, 0);
}

void expect_refused(const std::string& url, const std::string& why) {
  try {
    parse_listener_url(url);
    ADD_FAILURE() << url << " was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "listen URL '" + url + "': " + why);
  }
}

TEST(ListenerUrl, MistakesAreExplained) {
  expect_refused("127.0.0.1:1883", "expected scheme://host:port, e.g. mqtt://127.0.0.1:1883");
  expect_refused("mqtt://127.0.0.1", "a port is required, e.g. 127.0.0.1:1883");
  expect_refused("mqtt://[::1]", "a port is required, e.g. [::1]:1883");
  expect_refused("mqtt://[::1:1883", "IPv6 address has no closing ']'");
  expect_refused("mqtt://::1:1883", "IPv6 addresses must be in brackets, e.g. [::1]:1883");
  expect_refused("mqtt://:1883", "the host is empty (use 0.0.0.0 or [::] for every interface)");
  expect_refused("mqtt://127.0.0.1:65536", "the port must be a number from 0 to 65535");
  expect_refused("mqtt://127.0.0.1:18x3", "the port must be a number from 0 to 65535");
  expect_refused("mqtt://127.0.0.1:", "the port must be a number from 0 to 65535");
}

TEST(Loopback, LocalAddressesOnly) {
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.10.0.5"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("::ffff:127.0.0.1"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_FALSE(is_loopback_host("::"));
  EXPECT_FALSE(is_loopback_host("192.168.1.10"));
  EXPECT_FALSE(is_loopback_host("broker.example"));
}

TEST(Loopback, DecidesTheAnonymousDefault) {
  EXPECT_TRUE(parse_listener_url("mqtt://127.0.0.1:1883").allow_anonymous);
  EXPECT_TRUE(parse_listener_url("mqtt://[::1]:1883").allow_anonymous);
  EXPECT_FALSE(parse_listener_url("mqtt://0.0.0.0:1883").allow_anonymous);
  EXPECT_FALSE(parse_listener_url("mqtt://[::]:1883").allow_anonymous);
}

}  // namespace
}  // namespace telemq::net
