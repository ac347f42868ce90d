#include <gtest/gtest.h>

#include <stdexcept>

#include "auth_test_support.hpp"
#include "broker/auth/acl_file.hpp"

namespace telemq::auth {
namespace {

using core::access;
using core::client_identity;

const client_identity anonymous{"anon-1", ""};
const client_identity alice{"sensor-1", "alice"};
const client_identity bob{"sensor-2", "bob"};

std::string error_of(std::string_view text) {
  try {
    acl_rules::parse(text);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(AclRules, AnEmptyFileAllowsNothing) {
  const auto acl = acl_rules::parse("# nothing\n\n");
  EXPECT_FALSE(acl.allowed(anonymous, "a", access::read));
  EXPECT_FALSE(acl.allowed(alice, "a", access::write));
}

TEST(AclRules, TopicLinesBeforeAnyUserApplyToAnonymousClientsOnly) {
  const auto acl = acl_rules::parse("topic read public/#\nuser alice\ntopic alice/#\n");
  EXPECT_TRUE(acl.allowed(anonymous, "public/news", access::read));
  EXPECT_FALSE(acl.allowed(anonymous, "public/news", access::write));
  EXPECT_FALSE(acl.allowed(alice, "public/news", access::read));
  EXPECT_TRUE(acl.allowed(alice, "alice/x", access::read));
  EXPECT_TRUE(acl.allowed(alice, "alice/x", access::write));
  EXPECT_FALSE(acl.allowed(bob, "alice/x", access::read));
  EXPECT_FALSE(acl.allowed(anonymous, "alice/x", access::read));
}

TEST(AclRules, AccessWordsGrantWhatTheySay) {
  const auto acl = acl_rules::parse(
      "user alice\n"
      "topic read r\n"
      "topic write w\n"
      "topic readwrite rw\n"
      "topic both\n");
  EXPECT_TRUE(acl.allowed(alice, "r", access::read));
  EXPECT_FALSE(acl.allowed(alice, "r", access::write));
  EXPECT_FALSE(acl.allowed(alice, "w", access::read));
  EXPECT_TRUE(acl.allowed(alice, "w", access::write));
  EXPECT_TRUE(acl.allowed(alice, "rw", access::read));
  EXPECT_TRUE(acl.allowed(alice, "rw", access::write));
  EXPECT_TRUE(acl.allowed(alice, "both", access::read));
  EXPECT_TRUE(acl.allowed(alice, "both", access::write));
}

TEST(AclRules, AOneWordFilterThatLooksLikeAnAccessWordIsAFilter) {
  // Mosquitto reads "topic read" as readwrite access to the topic "read".
  const auto acl = acl_rules::parse("user alice\ntopic read\n");
  EXPECT_TRUE(acl.allowed(alice, "read", access::write));
}

TEST(AclRules, FiltersMayContainSpacesAfterAnAccessWord) {
  const auto acl = acl_rules::parse("user alice\ntopic read my room/temp\n");
  EXPECT_TRUE(acl.allowed(alice, "my room/temp", access::read));
}

TEST(AclRules, DenyWinsWhereverItIsWritten) {
  const auto acl = acl_rules::parse(
      "user alice\n"
      "topic readwrite home/#\n"
      "topic deny home/secret/#\n"
      "pattern deny home/%u/private\n");
  EXPECT_TRUE(acl.allowed(alice, "home/kitchen", access::write));
  EXPECT_FALSE(acl.allowed(alice, "home/secret/x", access::read));
  EXPECT_FALSE(acl.allowed(alice, "home/secret", access::write));
  EXPECT_FALSE(acl.allowed(alice, "home/alice/private", access::write));
  EXPECT_TRUE(acl.allowed(alice, "home/bob/private", access::write));
}

TEST(AclRules, SubscriptionMustBeCoveredByAReadRule) {
  const auto acl = acl_rules::parse("user alice\ntopic read a/#\ntopic read b/+\ntopic read c\n");
  EXPECT_TRUE(acl.allowed(alice, "a/#", access::read));
  EXPECT_TRUE(acl.allowed(alice, "a/b/+", access::read));
  EXPECT_TRUE(acl.allowed(alice, "a/+/c/#", access::read));
  EXPECT_TRUE(acl.allowed(alice, "a", access::read));  // "a/#" matches "a" itself
  EXPECT_TRUE(acl.allowed(alice, "b/+", access::read));
  EXPECT_TRUE(acl.allowed(alice, "b/x", access::read));
  EXPECT_FALSE(acl.allowed(alice, "b/#", access::read));  // would include b/x/y
  EXPECT_FALSE(acl.allowed(alice, "b/+/x", access::read));
  EXPECT_FALSE(acl.allowed(alice, "b", access::read));
  EXPECT_FALSE(acl.allowed(alice, "+/x", access::read));
  EXPECT_FALSE(acl.allowed(alice, "#", access::read));
  EXPECT_FALSE(acl.allowed(alice, "c/#", access::read));  // would include c/x
  EXPECT_TRUE(acl.allowed(alice, "c", access::read));
  EXPECT_FALSE(acl.allowed(alice, "c/+", access::read));
}

TEST(AclRules, PlusInARuleCoversPlusAndLiteralsButNotHash) {
  const auto acl = acl_rules::parse("user alice\ntopic read +/status\n");
  EXPECT_TRUE(acl.allowed(alice, "+/status", access::read));
  EXPECT_TRUE(acl.allowed(alice, "dev/status", access::read));
  EXPECT_FALSE(acl.allowed(alice, "#", access::read));
  EXPECT_FALSE(acl.allowed(alice, "dev/#", access::read));
  EXPECT_FALSE(acl.allowed(alice, "dev/status/x", access::read));
}

TEST(AclRules, DenyRefusesASubscriptionItCoversAndFiltersTheRestOnDelivery) {
  const auto acl = acl_rules::parse("user alice\ntopic read #\ntopic deny a/secret/#\n");
  EXPECT_FALSE(acl.allowed(alice, "a/secret/#", access::read));
  EXPECT_FALSE(acl.allowed(alice, "a/secret/+", access::read));
  // a/# is granted; deliveries from a/secret are refused one by one.
  EXPECT_TRUE(acl.allowed(alice, "a/#", access::read));
  EXPECT_TRUE(acl.allowed(alice, "a/public", access::read));
  EXPECT_FALSE(acl.allowed(alice, "a/secret/x", access::read));
}

TEST(AclRules, WildcardRulesDoNotReachDollarTopics) {
  const auto acl = acl_rules::parse("user alice\ntopic #\ntopic read $SYS/broker/uptime\n");
  EXPECT_TRUE(acl.allowed(alice, "anything/at/all", access::read));
  EXPECT_FALSE(acl.allowed(alice, "$SYS/broker/load", access::read));
  EXPECT_FALSE(acl.allowed(alice, "$SYS/#", access::read));
  EXPECT_TRUE(acl.allowed(alice, "$SYS/broker/uptime", access::read));
  const auto plus = acl_rules::parse("user alice\ntopic +/#\n");
  EXPECT_FALSE(plus.allowed(alice, "$SYS/x", access::read));
}

TEST(AclRules, SharedSubscriptionsAreCheckedOnTheirFilter) {
  const auto acl = acl_rules::parse("user alice\ntopic read jobs/#\n");
  EXPECT_TRUE(acl.allowed(alice, "$share/workers/jobs/#", access::read));
  EXPECT_FALSE(acl.allowed(alice, "$share/workers/other/#", access::read));
  EXPECT_FALSE(acl.allowed(alice, "$share/jobs/x", access::read));
}

TEST(AclRules, PatternsSubstituteTheClientIdAndUsername) {
  const auto acl = acl_rules::parse(
      "pattern write devices/%c/telemetry\n"
      "pattern read users/%u/#\n");
  EXPECT_TRUE(acl.allowed(alice, "devices/sensor-1/telemetry", access::write));
  EXPECT_FALSE(acl.allowed(alice, "devices/sensor-2/telemetry", access::write));
  EXPECT_FALSE(acl.allowed(alice, "devices/sensor-1/telemetry", access::read));
  EXPECT_FALSE(acl.allowed(alice, "devices/+/telemetry", access::read));
  EXPECT_TRUE(acl.allowed(alice, "users/alice/inbox", access::read));
  EXPECT_TRUE(acl.allowed(alice, "users/alice/#", access::read));
  EXPECT_FALSE(acl.allowed(alice, "users/+/#", access::read));
  EXPECT_FALSE(acl.allowed(bob, "users/alice/inbox", access::read));
  EXPECT_TRUE(acl.allowed(anonymous, "devices/anon-1/telemetry", access::write));
}

TEST(AclRules, PatternsApplyToEveryUserWhereverTheyAreWritten) {
  const auto acl = acl_rules::parse("user bob\ntopic x\npattern read in/%c\n");
  EXPECT_TRUE(acl.allowed(alice, "in/sensor-1", access::read));
  EXPECT_TRUE(acl.allowed(bob, "in/sensor-2", access::read));
  EXPECT_TRUE(acl.allowed(bob, "x", access::read));
  EXPECT_FALSE(acl.allowed(alice, "x", access::read));
}

TEST(AclRules, UsernamePatternsDoNotApplyToAnonymousClients) {
  const auto acl = acl_rules::parse("pattern users/%u/#\npattern deny block/%u\n");
  // Substituting "" would have given anonymous clients users//#.
  EXPECT_FALSE(acl.allowed(anonymous, "users//x", access::read));
  EXPECT_FALSE(acl.allowed(anonymous, "users/+/x", access::read));
  EXPECT_TRUE(acl.allowed(alice, "users/alice/x", access::read));
}

TEST(AclRules, NamesWithWildcardsOrSlashesNeverSatisfyAPattern) {
  const auto acl = acl_rules::parse("pattern devices/%c/#\npattern users/%u/#\n");
  const client_identity plus_id{"+", "alice"};
  const client_identity hash_id{"#", "alice"};
  const client_identity slash_id{"bob/x", "alice"};
  const client_identity slash_user{"ok", "bob/x"};
  EXPECT_FALSE(acl.allowed(plus_id, "devices/other/x", access::write));
  EXPECT_FALSE(acl.allowed(plus_id, "devices/+/x", access::read));
  EXPECT_FALSE(acl.allowed(hash_id, "devices/#", access::read));
  EXPECT_FALSE(acl.allowed(slash_id, "devices/bob/x/y", access::write));
  EXPECT_FALSE(acl.allowed(slash_user, "users/bob/x/y", access::write));
  // Their other rules still work.
  EXPECT_TRUE(acl.allowed(plus_id, "users/alice/x", access::write));
  EXPECT_TRUE(acl.allowed(slash_user, "devices/ok/x", access::write));
}

TEST(AclRules, ADenyPatternDeniesEverythingToANameItCannotHold) {
  const auto acl = acl_rules::parse("user alice\ntopic #\npattern deny private/%c/#\n");
  EXPECT_TRUE(acl.allowed(alice, "public", access::write));
  EXPECT_FALSE(acl.allowed(alice, "private/sensor-1/x", access::write));
  const client_identity sneaky{"a/b", "alice"};
  EXPECT_FALSE(acl.allowed(sneaky, "private/a/b/x", access::write));
  EXPECT_FALSE(acl.allowed(sneaky, "public", access::write));
}

TEST(AclRules, PercentOutsidePatternsIsLiteral) {
  const auto acl = acl_rules::parse("user alice\ntopic read users/%u/#\n");
  EXPECT_FALSE(acl.allowed(alice, "users/alice/x", access::read));
  EXPECT_TRUE(acl.allowed(alice, "users/%u/x", access::read));
}

TEST(AclRules, RepeatedUserSectionsAccumulate) {
  const auto acl =
      acl_rules::parse("user alice\ntopic a\nuser bob\ntopic b\nuser alice\ntopic c\n");
  EXPECT_TRUE(acl.allowed(alice, "a", access::read));
  EXPECT_TRUE(acl.allowed(alice, "c", access::read));
  EXPECT_FALSE(acl.allowed(alice, "b", access::read));
}

TEST(AclRules, UserNamesMayContainSpaces) {
  const auto acl = acl_rules::parse("user Jane Doe\ntopic j\n");
  EXPECT_TRUE(acl.allowed({"c", "Jane Doe"}, "j", access::read));
}

TEST(AclRules, EmptyLevelsAreLevels) {
  const auto acl = acl_rules::parse("user alice\ntopic /a\ntopic b/\n");
  EXPECT_TRUE(acl.allowed(alice, "/a", access::write));
  EXPECT_FALSE(acl.allowed(alice, "a", access::write));
  EXPECT_TRUE(acl.allowed(alice, "b/", access::write));
  EXPECT_FALSE(acl.allowed(alice, "b", access::write));
}

TEST(AclRules, ErrorsNameTheLine) {
  EXPECT_EQ(error_of("topic read a\nbogus x\n"),
            "line 2: unknown keyword 'bogus' (expected topic, user or pattern)");
  EXPECT_EQ(error_of("user\n"), "line 1: 'user' needs a user name");
  EXPECT_EQ(error_of("\n\ntopic\n"), "line 3: 'topic' needs a topic filter");
  EXPECT_EQ(error_of("topic reed a/b\n"),
            "line 1: 'reed' is not an access type (read, write, readwrite or deny)");
  EXPECT_TRUE(error_of("topic read a/#/b\n").starts_with("line 1: invalid topic filter"))
      << error_of("topic read a/#/b\n");
  EXPECT_TRUE(error_of("topic read a+\n").starts_with("line 1: invalid topic filter"));
  EXPECT_EQ(error_of("pattern read dev-%c/x\n"),
            "line 1: 'dev-%c': %c and %u must be a whole topic level, as in devices/%c/#");
}

TEST(AclRules, AcceptsTabsCommentsAndWindowsLineEndings) {
  const auto acl = acl_rules::parse("# rules\r\n  user\talice\r\n\ttopic\tread\ta/#\r\n");
  EXPECT_TRUE(acl.allowed(alice, "a/b", access::read));
}

TEST(AclRules, LoadNamesThePath) {
  testing::temp_dir dir;
  testing::write_text(dir / "acl", "user alice\ntopic\n");
  try {
    acl_rules::load(dir / "acl");
    FAIL() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "acl").string() + ":2: 'topic' needs a topic filter");
  }
  EXPECT_THROW(acl_rules::load(dir / "missing"), std::runtime_error);
}

}  // namespace
}  // namespace telemq::auth
