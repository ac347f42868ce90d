// The small text formats of the HTTP side: base64, query strings, Basic credentials, SSE framing.
#include <gtest/gtest.h>

#include "bridge-ws/base64.hpp"
#include "bridge-ws/basic_auth.hpp"
#include "bridge-ws/query_string.hpp"
#include "bridge-ws/sse_format.hpp"

namespace telemq::bridge_ws {
namespace {

TEST(Base64, MatchesRfc4648TestVectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes += static_cast<char>(i);
  }
  for (std::size_t length = 0; length <= bytes.size(); length += 37) {
    const auto part = bytes.substr(0, length);
    EXPECT_EQ(base64_decode(base64_encode(part)), part);
  }
}

TEST(Base64, RefusesWhatIsNotPaddedBase64) {
  EXPECT_FALSE(base64_decode("Zg"));        // unpadded
  EXPECT_FALSE(base64_decode("Zm9v!A=="));  // foreign character
  EXPECT_FALSE(base64_decode("Z=9v"));      // padding in the middle
  EXPECT_FALSE(base64_decode("Zg==Zg=="));  // data after padding
  EXPECT_FALSE(base64_decode("Z==="));
}

TEST(QueryString, SplitsPathAndQuery) {
  const auto t = split_target("/events?topic=a&topic=b");
  EXPECT_EQ(t.path, "/events");
  EXPECT_EQ(t.query, "topic=a&topic=b");
  EXPECT_EQ(split_target("/stats").query, "");
}

TEST(QueryString, DecodesEscapesAndKeepsRepeatedNames) {
  const auto p = parse_query("topic=sensors%2F%23&topic=a%20b&flag&&x=");
  ASSERT_TRUE(p);
  EXPECT_EQ(values_of(*p, "topic"), (std::vector<std::string>{"sensors/#", "a b"}));
  EXPECT_EQ(value_of(*p, "flag"), "");
  EXPECT_EQ(value_of(*p, "x"), "");
  EXPECT_FALSE(value_of(*p, "missing"));
}

TEST(QueryString, PlusIsTheSingleLevelWildcardNotASpace) {
  const auto p = parse_query("topic=sensors/+/temp");
  ASSERT_TRUE(p);
  EXPECT_EQ(value_of(*p, "topic"), "sensors/+/temp");
}

TEST(QueryString, RefusesMalformedEscapes) {
  EXPECT_FALSE(parse_query("topic=%2"));
  EXPECT_FALSE(parse_query("topic=%zz"));
  EXPECT_FALSE(percent_decode("100%"));
  EXPECT_EQ(percent_decode("%41%62"), "Ab");
}

TEST(BasicAuth, ParsesUserAndPasswordWithColons) {
  // "user:pa:ss"
  EXPECT_EQ(parse_basic_auth("Basic dXNlcjpwYTpzcw=="), (basic_credentials{"user", "pa:ss"}));
  EXPECT_EQ(parse_basic_auth("  basic   dXNlcjpwYTpzcw==  "), (basic_credentials{"user", "pa:ss"}));
  // ":" — empty user and password are the server's business, not the parser's.
  EXPECT_EQ(parse_basic_auth("Basic Og=="), (basic_credentials{"", ""}));
}

TEST(BasicAuth, RefusesOtherSchemesAndMalformedCredentials) {
  EXPECT_FALSE(parse_basic_auth("Bearer abc"));
  EXPECT_FALSE(parse_basic_auth("Basic"));
  EXPECT_FALSE(parse_basic_auth("Basic not-base64"));
  EXPECT_FALSE(parse_basic_auth("Basic dXNlcg=="));  // "user", no colon
}

TEST(SseFormat, EventHasIdTypeAndData) {
  std::string out;
  append_sse_event(out, "{\"a\":1}", 42, "live");
  EXPECT_EQ(out, "id: 42\nevent: live\ndata: {\"a\":1}\n\n");
}

TEST(SseFormat, DataLineBreaksBecomeDataLines) {
  std::string out;
  append_sse_event(out, "one\ntwo\r\nthree\rfour");
  EXPECT_EQ(out, "data: one\ndata: two\ndata: three\ndata: four\n\n");
}

TEST(SseFormat, CommentAndRetry) {
  std::string out;
  append_sse_retry(out, std::chrono::milliseconds(1500));
  append_sse_comment(out, "heartbeat\nnot a field");
  EXPECT_EQ(out, "retry: 1500\n: heartbeat\n\n");
}

}  // namespace
}  // namespace telemq::bridge_ws
