#include "broker/text/percent_encoding.hpp"

#include <gtest/gtest.h>

namespace telemq::text {
namespace {

TEST(PercentDecode, DecodesEscapesOfEitherCase) {
  EXPECT_EQ(percent_decode("plant%2F7"), "plant/7");
  EXPECT_EQ(percent_decode("a%2fb%20c"), "a/b c");
  EXPECT_EQ(percent_decode("%E2%82%AC"), "\xE2\x82\xAC");
}

TEST(PercentDecode, PlusStaysAPlusBecauseItIsTheMqttWildcard) {
  EXPECT_EQ(percent_decode("sensors/+/temp"), "sensors/+/temp");
}

TEST(PercentDecode, RefusesMalformedEscapes) {
  EXPECT_EQ(percent_decode("%"), std::nullopt);
  EXPECT_EQ(percent_decode("abc%2"), std::nullopt);
  EXPECT_EQ(percent_decode("%zz"), std::nullopt);
  EXPECT_EQ(percent_decode("%2g"), std::nullopt);
}

TEST(PercentDecode, DecodesNulAndHighBytes) {
  EXPECT_EQ(percent_decode("a%00b%FF"), std::string("a\0b\xFF", 4));
}

TEST(PercentEncode, EncodesEverythingButUnreservedCharacters) {
  EXPECT_EQ(percent_encode("plant/7 #+"), "plant%2F7%20%23%2B");
  EXPECT_EQ(percent_encode("Az09-._~"), "Az09-._~");
}

TEST(PercentEncode, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) {
    all += static_cast<char>(i);
  }
  EXPECT_EQ(percent_decode(percent_encode(all)), all);
}

TEST(ParseQuery, SplitsAndDecodesParameters) {
  const auto q = parse_query("online=1&prefix=plant%2F&&flag&filter=a/+/#");
  ASSERT_TRUE(q);
  const std::vector<query_parameter> expected = {
      {"online", "1"}, {"prefix", "plant/"}, {"flag", ""}, {"filter", "a/+/#"}};
  EXPECT_EQ(*q, expected);
}

TEST(ParseQuery, RefusesAMalformedEscape) {
  EXPECT_FALSE(parse_query("a=%4"));
}

TEST(QueryValues, KeepsEveryValueInOrder) {
  const auto q = parse_query("topic=sensors%2F%23&topic=a%20b&other=x");
  ASSERT_TRUE(q);
  EXPECT_EQ(query_values(*q, "topic"), (std::vector<std::string>{"sensors/#", "a b"}));
  EXPECT_TRUE(query_values(*q, "missing").empty());
}

TEST(QueryValue, TakesTheLastValue) {
  const auto q = parse_query("limit=1&limit=2");
  ASSERT_TRUE(q);
  EXPECT_EQ(query_value(*q, "limit"), "2");
  EXPECT_EQ(query_value(*q, "offset"), std::nullopt);
}

}  // namespace
}  // namespace telemq::text
