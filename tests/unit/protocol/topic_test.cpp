// Topic names, topic filters, shared subscriptions and matching (MQTT 5.0 section 4.7, 4.8).
#include "broker/protocol/topic.hpp"

#include <gtest/gtest.h>

namespace telemq::protocol {
namespace {

TEST(TopicName, WildcardsAreInvalid_MQTT_3_3_2_2) {
  EXPECT_FALSE(validate_topic_name("a/b").has_value());
  EXPECT_FALSE(validate_topic_name("/").has_value());
  EXPECT_FALSE(validate_topic_name("$SYS/x").has_value());
  for (const std::string_view bad : {"a/+", "#", "a#", "+/b"}) {
    auto e = validate_topic_name(bad);
    ASSERT_TRUE(e.has_value()) << bad;
    EXPECT_EQ(e->code, reason_code::topic_name_invalid);
  }
}

TEST(TopicName, EmptyIsInvalid_MQTT_4_7_3_1) {
  ASSERT_TRUE(validate_topic_name("").has_value());
  EXPECT_EQ(validate_topic_name("")->code, reason_code::topic_name_invalid);
}

TEST(TopicName, NullCharacterIsMalformed_MQTT_4_7_3_2) {
  auto e = validate_topic_name(std::string_view("a\0b", 3));
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, reason_code::malformed_packet);
}

TEST(TopicFilter, ValidFilters) {
  for (const std::string_view ok : {"a", "a/b", "#", "+", "a/#", "+/+", "/+", "+/", "a/+/c", "/",
                                    "$share/g/a/#", "$share/g/+", "sport/tennis/+/#", "$SYS/#"}) {
    EXPECT_FALSE(validate_topic_filter(ok).has_value()) << ok;
  }
}

TEST(TopicFilter, HashMustBeAloneInTheLastLevel_MQTT_4_7_1_1) {
  for (const std::string_view bad : {"a/#/b", "a#", "#/a", "a/b#", "##"}) {
    auto e = validate_topic_filter(bad);
    ASSERT_TRUE(e.has_value()) << bad;
    EXPECT_EQ(e->code, reason_code::topic_filter_invalid);
    EXPECT_NE(e->message.find("[MQTT-4.7.1-1]"), std::string::npos) << e->message;
  }
}

TEST(TopicFilter, PlusMustBeAloneInItsLevel_MQTT_4_7_1_2) {
  for (const std::string_view bad : {"a+", "a/+b", "++", "sport+"}) {
    auto e = validate_topic_filter(bad);
    ASSERT_TRUE(e.has_value()) << bad;
    EXPECT_NE(e->message.find("[MQTT-4.7.1-2]"), std::string::npos) << e->message;
  }
}

TEST(TopicFilter, EmptyIsInvalid_MQTT_4_7_3_1) {
  ASSERT_TRUE(validate_topic_filter("").has_value());
  EXPECT_EQ(validate_topic_filter("")->code, reason_code::topic_filter_invalid);
}

TEST(TopicFilter, SharedSubscriptionNeedsGroupAndFilter_MQTT_4_8_2_1) {
  for (const std::string_view bad : {"$share//a", "$share/g", "$share/g/", "$share/+/a",
                                     "$share/#/a", "$share/g+/a", "$share/g/a#"}) {
    auto e = validate_topic_filter(bad);
    ASSERT_TRUE(e.has_value()) << bad;
    EXPECT_EQ(e->code, reason_code::topic_filter_invalid) << bad;
  }
}

TEST(TopicFilter, Utf8IsChecked) {
  auto e = validate_topic_filter("a/\xED\xA0\x80");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->code, reason_code::malformed_packet);
}

TEST(SharedFilter, Parse) {
  auto s = parse_shared_filter("$share/group/a/b/#");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->group, "group");
  EXPECT_EQ(s->filter, "a/b/#");
  EXPECT_FALSE(parse_shared_filter("a/b").has_value());
  EXPECT_FALSE(parse_shared_filter("$share").has_value());
  EXPECT_FALSE(parse_shared_filter("$SHARE/g/a").has_value());
  auto no_filter = parse_shared_filter("$share/g");
  ASSERT_TRUE(no_filter.has_value());
  EXPECT_EQ(no_filter->group, "g");
  EXPECT_TRUE(no_filter->filter.empty());
}

TEST(Utf8, WellFormednessAndNullCharacter_MQTT_1_5_4_1_and_2) {
  EXPECT_TRUE(is_valid_mqtt_utf8(""));
  EXPECT_TRUE(is_valid_mqtt_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_mqtt_utf8("\xC2\x80"));                  // U+0080
  EXPECT_TRUE(is_valid_mqtt_utf8("\xEF\xBB\xBF"));              // BOM stays [MQTT-1.5.4-3]
  EXPECT_TRUE(is_valid_mqtt_utf8("\xED\x9F\xBF"));              // U+D7FF
  EXPECT_TRUE(is_valid_mqtt_utf8("\xEE\x80\x80"));              // U+E000
  EXPECT_TRUE(is_valid_mqtt_utf8("\xF4\x8F\xBF\xBF"));          // U+10FFFF
  EXPECT_TRUE(is_valid_mqtt_utf8("\xEF\xBF\xBF"));              // U+FFFF non-character
  EXPECT_FALSE(is_valid_mqtt_utf8(std::string_view("\0", 1)));  // U+0000
  EXPECT_FALSE(is_valid_mqtt_utf8("\xC0\x80"));                 // overlong U+0000
  EXPECT_FALSE(is_valid_mqtt_utf8("\xC1\xBF"));                 // overlong
  EXPECT_FALSE(is_valid_mqtt_utf8("\xE0\x9F\xBF"));             // overlong
  EXPECT_FALSE(is_valid_mqtt_utf8("\xF0\x8F\xBF\xBF"));         // overlong
  EXPECT_FALSE(is_valid_mqtt_utf8("\xED\xA0\x80"));             // U+D800 surrogate
  EXPECT_FALSE(is_valid_mqtt_utf8("\xED\xBF\xBF"));             // U+DFFF surrogate
  EXPECT_FALSE(is_valid_mqtt_utf8("\xF4\x90\x80\x80"));         // above U+10FFFF
  EXPECT_FALSE(is_valid_mqtt_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_mqtt_utf8("\x80"));          // lone continuation
  EXPECT_FALSE(is_valid_mqtt_utf8("\xE2\x82"));      // truncated
  EXPECT_FALSE(is_valid_mqtt_utf8("\xE2\x28\xA1"));  // bad continuation
  EXPECT_FALSE(is_valid_mqtt_utf8("\xFF"));
}

TEST(TopicMatch, ExactAndSingleLevel) {
  EXPECT_TRUE(topic_matches("a/b", "a/b"));
  EXPECT_FALSE(topic_matches("a/b", "a/c"));
  EXPECT_FALSE(topic_matches("a/b", "a/b/c"));
  EXPECT_FALSE(topic_matches("a/b/c", "a/b"));
  EXPECT_TRUE(topic_matches("sport/tennis/+", "sport/tennis/player1"));
  EXPECT_FALSE(topic_matches("sport/tennis/+", "sport/tennis/player1/ranking"));
  EXPECT_FALSE(topic_matches("sport/+", "sport"));
  EXPECT_TRUE(topic_matches("sport/+", "sport/"));
  EXPECT_FALSE(topic_matches("+", "a/b"));
  EXPECT_TRUE(topic_matches("+", "a"));
  EXPECT_TRUE(topic_matches("+/+", "/finance"));
  EXPECT_TRUE(topic_matches("/+", "/finance"));
  EXPECT_FALSE(topic_matches("+", "/finance"));
}

TEST(TopicMatch, MultiLevelIncludesTheParent) {
  EXPECT_TRUE(topic_matches("sport/#", "sport"));
  EXPECT_TRUE(topic_matches("sport/#", "sport/tennis/player1"));
  EXPECT_TRUE(topic_matches("sport/tennis/#", "sport/tennis"));
  EXPECT_TRUE(topic_matches("#", "a/b/c"));
  EXPECT_TRUE(topic_matches("#", "/"));
  EXPECT_FALSE(topic_matches("sport/#", "sports"));
  EXPECT_TRUE(topic_matches("+/#", "a"));
}

TEST(TopicMatch, WildcardsDoNotMatchDollarTopics_MQTT_4_7_2_1) {
  EXPECT_FALSE(topic_matches("#", "$SYS/broker/uptime"));
  EXPECT_FALSE(topic_matches("+/monitor/Clients", "$SYS/monitor/Clients"));
  EXPECT_TRUE(topic_matches("$SYS/#", "$SYS/monitor/Clients"));
  EXPECT_TRUE(topic_matches("$SYS/monitor/+", "$SYS/monitor/Clients"));
  EXPECT_TRUE(topic_matches("a/#", "a/$b"));
}

}  // namespace
}  // namespace telemq::protocol
