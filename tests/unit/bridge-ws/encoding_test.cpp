// The small text formats of the HTTP side: request targets, Basic credentials, SSE framing
// (base64 and query strings are broker/text's, tested there).
#include <gtest/gtest.h>

#include "bridge-ws/basic_auth.hpp"
#include "bridge-ws/query_string.hpp"
#include "bridge-ws/sse_format.hpp"

namespace telemq::bridge_ws {
namespace {

TEST(QueryString, SplitsPathAndQuery) {
  const auto t = split_target("/events?topic=a&topic=b");
  EXPECT_EQ(t.path, "/events");
  EXPECT_EQ(t.query, "topic=a&topic=b");
  EXPECT_EQ(split_target("/stats").query, "");
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
