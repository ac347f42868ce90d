// Editing an ACL file line by line: what the admin API's /api/v1/acl/rules does to the file.
#include "broker/auth/acl_document.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <stdexcept>

#include "auth_test_support.hpp"
#include "broker/auth/acl_file.hpp"

namespace telemq::auth {
namespace {

using core::access;

acl_entry user_rule(std::string user, acl_access a, std::string filter) {
  return {acl_scope::user, std::move(user), a, std::move(filter)};
}
acl_entry anonymous_rule(acl_access a, std::string filter) {
  return {acl_scope::anonymous, {}, a, std::move(filter)};
}
acl_entry pattern_rule(acl_access a, std::string filter) {
  return {acl_scope::pattern, {}, a, std::move(filter)};
}

// The text after adding entry, checking that removing it again gives the original back.
std::string added(const std::string& original, const acl_entry& entry) {
  auto document = acl_document::parse(original);
  document.add(entry);
  const std::string text = document.text();
  auto again = acl_document::parse(text);
  EXPECT_EQ(again.remove(entry), 1u) << text;
  EXPECT_EQ(again.text(), original) << "after adding:\n" << text;
  return text;
}

const std::string operators_file =
    "# Site ACL, kept by the operators\n"
    "topic read public/#\n"
    "\n"
    "# Alice's devices\n"
    "user alice\n"
    "topic readwrite home/alice/#\n"
    "\n"
    "user bridge\n"
    "topic write telemetry/#\n"
    "\n"
    "# Every client\n"
    "pattern write devices/%c/telemetry\n";

// operators_file with a line inserted after the line `after`.
std::string operators_file_with(const std::string& after, const std::string& line) {
  std::string text = operators_file;
  return text.insert(text.find(after + "\n") + after.size() + 1, line + "\n");
}

TEST(AclDocument, ListsTheRulesWithTheirScopeAndLine) {
  const auto document = acl_document::parse(
      "topic read public/#\nuser Jane Doe\ntopic j\n"
      "pattern deny private/%c/#\n");
  ASSERT_EQ(document.entries().size(), 3u);
  EXPECT_EQ(document.entries()[0].entry, anonymous_rule(acl_access::read, "public/#"));
  EXPECT_EQ(document.entries()[0].line, 1u);
  // Without an access word a rule is readwrite, as in Mosquitto.
  EXPECT_EQ(document.entries()[1].entry, user_rule("Jane Doe", acl_access::readwrite, "j"));
  EXPECT_EQ(document.entries()[1].line, 3u);
  EXPECT_EQ(document.entries()[2].entry, pattern_rule(acl_access::deny, "private/%c/#"));
  EXPECT_EQ(document.find(user_rule("Jane Doe", acl_access::readwrite, "j")), 3u);
  EXPECT_EQ(document.find(user_rule("Jane Doe", acl_access::read, "j")), std::nullopt);
}

TEST(AclDocument, AUserRuleGoesAfterTheLastRuleOfThatUser) {
  EXPECT_EQ(added(operators_file, user_rule("alice", acl_access::deny, "home/alice/diary")),
            operators_file_with("topic readwrite home/alice/#", "topic deny home/alice/diary"));
}

TEST(AclDocument, ANewUserGetsASectionAtTheEnd) {
  EXPECT_EQ(added(operators_file, user_rule("carol", acl_access::read, "weather/+")),
            operators_file + "\nuser carol\ntopic read weather/+\n");
  // The rule applies to carol, not to the clients of the sections above.
  auto document = acl_document::parse(operators_file);
  document.add(user_rule("carol", acl_access::read, "weather/+"));
  const acl_rules rules(document);
  EXPECT_TRUE(rules.allowed({"c", "carol"}, "weather/x", access::read));
  EXPECT_FALSE(rules.allowed({"c", "bridge"}, "weather/x", access::read));
}

TEST(AclDocument, AnAnonymousRuleGoesBeforeAnyUserLine) {
  EXPECT_EQ(added(operators_file, anonymous_rule(acl_access::deny, "public/secret")),
            operators_file_with("topic read public/#", "topic deny public/secret"));
  // Without anonymous rules yet: above the comments that introduce the first user.
  EXPECT_EQ(added("# header\n\n# alice's\nuser alice\ntopic a\n",
                  anonymous_rule(acl_access::read, "public/#")),
            "# header\n\ntopic read public/#\n\n# alice's\nuser alice\ntopic a\n");
  EXPECT_EQ(added("user alice\ntopic a\n", anonymous_rule(acl_access::read, "public/#")),
            "topic read public/#\n\nuser alice\ntopic a\n");
  const acl_rules rules(acl_document::parse("topic read public/#\n\nuser alice\ntopic a\n"));
  EXPECT_TRUE(rules.allowed({"anon", ""}, "public/x", access::read));
  EXPECT_FALSE(rules.allowed({"c", "alice"}, "public/x", access::read));
}

TEST(AclDocument, APatternGoesAfterTheLastPatternOrAtTheEnd) {
  EXPECT_EQ(added(operators_file, pattern_rule(acl_access::read, "devices/%c/commands")),
            operators_file + "pattern read devices/%c/commands\n");
  EXPECT_EQ(added("user alice\ntopic a\n", pattern_rule(acl_access::readwrite, "users/%u/#")),
            "user alice\ntopic a\n\npattern readwrite users/%u/#\n");
  EXPECT_EQ(added("", pattern_rule(acl_access::readwrite, "users/%u/#")),
            "pattern readwrite users/%u/#\n");
}

TEST(AclDocument, RemovingARuleKeepsCommentsAndOtherRules) {
  auto document = acl_document::parse(operators_file);
  EXPECT_EQ(document.remove(user_rule("bridge", acl_access::write, "telemetry/#")), 1u);
  // bridge's section had nothing else: its user line goes, and one of the blank lines.
  std::string without_bridge = operators_file;
  const std::string bridge_section = "user bridge\ntopic write telemetry/#\n\n";
  without_bridge.erase(without_bridge.find(bridge_section), bridge_section.size());
  EXPECT_EQ(document.text(), without_bridge);
  // A section that keeps a comment keeps its user line.
  EXPECT_EQ(document.remove(user_rule("alice", acl_access::readwrite, "home/alice/#")), 1u);
  EXPECT_NE(document.text().find("# Alice's devices\nuser alice\n"), std::string::npos)
      << document.text();
  EXPECT_EQ(document.remove(user_rule("alice", acl_access::readwrite, "home/alice/#")), 0u);
}

TEST(AclDocument, RemovingMatchesTheRuleNotItsSpelling) {
  auto document = acl_document::parse(
      "user alice\ntopic a/#\ntopic\treadwrite   a/#\ntopic read a/#\nuser bob\ntopic a/#\n"
      "user alice\ntopic a/#\n");
  // Every line of alice's that grants readwrite on a/#, in both of her sections; not bob's, and
  // not her read rule.
  EXPECT_EQ(document.remove(user_rule("alice", acl_access::readwrite, "a/#")), 3u);
  EXPECT_EQ(document.text(), "user alice\ntopic read a/#\nuser bob\ntopic a/#\n");
  // Scopes are told apart: a pattern or an anonymous rule is not a user's rule.
  EXPECT_EQ(document.remove(anonymous_rule(acl_access::readwrite, "a/#")), 0u);
  EXPECT_EQ(document.remove(pattern_rule(acl_access::readwrite, "a/#")), 0u);
}

TEST(AclDocument, KeepsWindowsLineEndingsAndAMissingFinalNewline) {
  EXPECT_EQ(added("user alice\r\ntopic a\r\n", user_rule("alice", acl_access::deny, "a/b")),
            "user alice\r\ntopic a\r\ntopic deny a/b\r\n");
  auto document = acl_document::parse("user alice\ntopic a\ntopic b");
  EXPECT_EQ(document.remove(user_rule("alice", acl_access::readwrite, "a")), 1u);
  EXPECT_EQ(document.text(), "user alice\ntopic b");
}

TEST(AclDocument, RefusesRulesTheFileCannotHold) {
  const auto why = [](const acl_entry& entry) {
    return invalid_acl_entry(entry).value_or("(accepted)");
  };
  EXPECT_EQ(why(user_rule("alice", acl_access::read, "a/#")), "(accepted)");
  EXPECT_EQ(why(user_rule("Jane Doe", acl_access::read, "my room/temp")), "(accepted)");
  EXPECT_EQ(why(user_rule("", acl_access::read, "a")), "the user name is empty");
  EXPECT_EQ(why(user_rule(" alice", acl_access::read, "a")),
            "the user name starts or ends with a blank");
  EXPECT_EQ(why(user_rule("alice\ntopic #", acl_access::read, "a")),
            "the user name contains a control character");
  EXPECT_EQ(why(user_rule("al\xff", acl_access::read, "a")), "the user name is not valid UTF-8");
  EXPECT_EQ(why(user_rule("alice", acl_access::read, "")), "the topic filter is empty");
  EXPECT_EQ(why(user_rule("alice", acl_access::read, "a\n#")),
            "the topic filter contains a control character");
  EXPECT_EQ(why(user_rule("alice", acl_access::read, "a ")),
            "the topic filter starts or ends with a blank");
  EXPECT_TRUE(
      why(user_rule("alice", acl_access::read, "a/#/b")).starts_with("invalid topic filter"))
      << why(user_rule("alice", acl_access::read, "a/#/b"));
  EXPECT_TRUE(why(anonymous_rule(acl_access::read, "a+")).starts_with("invalid topic filter"));
  EXPECT_EQ(why(pattern_rule(acl_access::read, "dev-%c/x")),
            "'dev-%c': %c and %u must be a whole topic level, as in devices/%c/#");
  // In a topic rule %c is plain text.
  EXPECT_EQ(why(anonymous_rule(acl_access::read, "dev-%c/x")), "(accepted)");
  EXPECT_EQ(why({acl_scope::pattern, "alice", acl_access::read, "a"}),
            "a user name goes with scope user only, not pattern");

  auto document = acl_document::parse(operators_file);
  EXPECT_THROW(document.add(user_rule("alice", acl_access::read, "a/#/b")), std::invalid_argument);
  EXPECT_EQ(document.text(), operators_file);
}

TEST(AclDocument, SyntaxErrorsNameTheLine) {
  try {
    acl_document::parse("topic read a\nbogus x\n", "acl");
    FAIL() << "accepted";
  } catch (const acl_syntax_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "acl:2: unknown keyword 'bogus' (expected topic, user or pattern)");
  }
}

TEST(AclDocument, SaveReplacesTheFileKeepingItsModeAndLeavesNoTemporary) {
  testing::temp_dir dir;
  const auto path = dir / "acl";
  testing::write_text(path, operators_file);
  ::chmod(path.c_str(), 0640);
  auto document = acl_document::load(path);
  document.add(user_rule("alice", acl_access::deny, "home/alice/diary"));
  document.save(path);
  EXPECT_EQ(testing::read_text(path), document.text());
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0640u);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
  EXPECT_FALSE(acl_rules::load(path).allowed({"c", "alice"}, "home/alice/diary", access::write));
  EXPECT_TRUE(acl_rules::load(path).allowed({"c", "alice"}, "home/alice/x", access::write));
  EXPECT_THROW(acl_document::load(dir / "missing"), std::runtime_error);
}

}  // namespace
}  // namespace telemq::auth
