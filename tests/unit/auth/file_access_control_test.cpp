#include "broker/auth/file_access_control.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <stdexcept>

#include "auth_test_support.hpp"

namespace telemq::auth {
namespace {

using core::access;
using protocol::reason_code;
using testing::temp_dir;

core::connection_info listener(bool allow_anonymous, std::string certificate_username = {}) {
  return core::connection_info{"127.0.0.1:40000", "mqtt://127.0.0.1:1883", allow_anonymous,
                               std::move(certificate_username)};
}

const std::optional<std::string> none;
std::optional<std::string> some(const char* text) {
  return std::string(text);
}

class FileAccessControl : public ::testing::Test {
 protected:
  FileAccessControl() {
    password_file users;
    users.set_password("alice", "wonderland");
    users.set_password("bob", "builder");
    users.save(passwords);
    testing::write_text(acl, "user alice\ntopic alice/#\npattern read shared/%u\n");
  }

  file_access_control make(bool with_passwords = true, bool with_acl = true) {
    file_access_control_options options;
    if (with_passwords) {
      options.password_file = passwords;
    }
    if (with_acl) {
      options.acl_file = acl;
    }
    options.log = [this](core::log_level, std::string_view line) { log.emplace_back(line); };
    return file_access_control(std::move(options));
  }

  std::string all_log() const {
    std::string text;
    for (const auto& line : log) {
      text += line + "\n";
    }
    return text;
  }

  temp_dir dir;
  std::filesystem::path passwords = dir / "passwords";
  std::filesystem::path acl = dir / "acl";
  std::vector<std::string> log;
};

TEST_F(FileAccessControl, AdmitsTheRightPassword) {
  auto control = make();
  EXPECT_EQ(control.authenticate(listener(false), "c1", some("alice"), some("wonderland")),
            std::nullopt);
}

TEST_F(FileAccessControl, RefusesWrongPasswordsAndUnknownUsersAlike) {
  auto control = make();
  EXPECT_EQ(control.authenticate(listener(true), "c1", some("alice"), some("builder")),
            reason_code::bad_user_name_or_password);
  EXPECT_EQ(control.authenticate(listener(true), "c1", some("mallory"), some("x")),
            reason_code::bad_user_name_or_password);
  EXPECT_EQ(control.authenticate(listener(true), "c1", some("alice"), none),
            reason_code::bad_user_name_or_password);
}

TEST_F(FileAccessControl, LogsRefusalsWithoutThePassword) {
  auto control = make();
  control.authenticate(listener(true), "c1", some("alice"), some("builder-secret"));
  control.authenticate(listener(true), "c2", some("mallory"), some("other-secret"));
  const std::string text = all_log();
  EXPECT_NE(text.find("username=\"alice\" reason=\"wrong password\""), std::string::npos) << text;
  EXPECT_NE(text.find("username=\"mallory\" reason=\"unknown user\""), std::string::npos) << text;
  EXPECT_NE(text.find("client_id=\"c1\""), std::string::npos) << text;
  EXPECT_EQ(text.find("secret"), std::string::npos) << text;
}

TEST_F(FileAccessControl, ClientChosenNamesCannotForgeLogLines) {
  auto control = make();
  control.authenticate(listener(true), "id\nevent=fake", some("u\nevent=forged"), some("x"));
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].find('\n'), std::string::npos) << log[0];
}

TEST_F(FileAccessControl, AnonymousClientsFollowTheListener) {
  auto control = make();
  EXPECT_EQ(control.authenticate(listener(true), "c1", none, none), std::nullopt);
  EXPECT_EQ(control.authenticate(listener(false), "c1", none, none), reason_code::not_authorized);
  // A 5.0 client may send a password without a username; it is still anonymous.
  EXPECT_EQ(control.authenticate(listener(false), "c1", none, some("x")),
            reason_code::not_authorized);
}

TEST_F(FileAccessControl, WithoutAPasswordFileAUsernameIsAdmittedWhereAnonymousIs) {
  auto control = make(false, false);
  EXPECT_EQ(control.authenticate(listener(true), "c1", some("anyone"), some("x")), std::nullopt);
  EXPECT_EQ(control.authenticate(listener(false), "c1", some("anyone"), some("x")),
            reason_code::not_authorized);
}

TEST_F(FileAccessControl, ACertificateIdentityNeedsNoPassword) {
  auto control = make();
  EXPECT_EQ(control.authenticate(listener(false, "device-7"), "c1", none, none), std::nullopt);
  EXPECT_EQ(control.authenticate(listener(false, "device-7"), "c1", some("device-7"), none),
            std::nullopt);
}

TEST_F(FileAccessControl, ACertificateIdentityCannotBeSwappedForAnotherUsername) {
  auto control = make();
  EXPECT_EQ(control.authenticate(listener(false, "device-7"), "c1", some("alice"), none),
            reason_code::not_authorized);
  EXPECT_EQ(
      control.authenticate(listener(true, "device-7"), "c1", some("alice"), some("wonderland")),
      reason_code::not_authorized);
}

TEST_F(FileAccessControl, WithoutAnAclFileEverythingIsAllowed) {
  auto control = make(true, false);
  EXPECT_TRUE(control.allowed({"c", ""}, "any/topic", access::write));
  EXPECT_TRUE(control.allowed({"c", "alice"}, "#", access::read));
}

TEST_F(FileAccessControl, AppliesTheAclFile) {
  auto control = make();
  EXPECT_TRUE(control.allowed({"c", "alice"}, "alice/x", access::write));
  EXPECT_FALSE(control.allowed({"c", "alice"}, "bob/x", access::write));
  EXPECT_TRUE(control.allowed({"c", "bob"}, "shared/bob", access::read));
  EXPECT_FALSE(control.allowed({"c", ""}, "alice/x", access::read));
}

TEST_F(FileAccessControl, RefusesToStartWithABrokenFile) {
  testing::write_text(acl, "user alice\ntopic reed a\n");
  try {
    make();
    FAIL() << "started";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(acl.string() + ":2:"), std::string::npos) << e.what();
  }
  file_access_control_options missing;
  missing.password_file = dir / "missing";
  EXPECT_THROW(file_access_control{missing}, std::runtime_error);
}

TEST_F(FileAccessControl, ReloadPicksUpNewUsersAndRules) {
  auto control = make();
  auto users = password_file::load(passwords);
  users.set_password("carol", "c");
  users.remove("bob");
  users.save(passwords);
  testing::write_text(acl, "user carol\ntopic carol/#\n");
  EXPECT_TRUE(control.reload().empty()) << all_log();
  EXPECT_EQ(control.authenticate(listener(false), "c1", some("carol"), some("c")), std::nullopt);
  EXPECT_EQ(control.authenticate(listener(false), "c1", some("bob"), some("builder")),
            reason_code::bad_user_name_or_password);
  EXPECT_TRUE(control.allowed({"c", "carol"}, "carol/x", access::write));
  EXPECT_FALSE(control.allowed({"c", "alice"}, "alice/x", access::write));
}

TEST_F(FileAccessControl, ABrokenFileOnReloadKeepsThePreviousOne) {
  auto control = make();
  testing::write_text(passwords, "alice:plaintext\n");
  testing::write_text(acl, "topic\n");
  const auto problems = control.reload();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].find(passwords.string() + ":1:"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("previous users kept"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find(acl.string() + ":1:"), std::string::npos) << problems[1];
  EXPECT_NE(all_log().find("event=auth_reload_failed"), std::string::npos) << all_log();
  EXPECT_EQ(control.authenticate(listener(false), "c1", some("alice"), some("wonderland")),
            std::nullopt);
  EXPECT_TRUE(control.allowed({"c", "alice"}, "alice/x", access::write));
}

TEST_F(FileAccessControl, ReloadsOneFileWhenOnlyTheOtherIsBroken) {
  auto control = make();
  testing::write_text(acl, "user alice\ntopic elsewhere\n");
  std::filesystem::remove(passwords);
  EXPECT_EQ(control.reload().size(), 1u);
  EXPECT_TRUE(control.allowed({"c", "alice"}, "elsewhere", access::write));
  EXPECT_EQ(control.authenticate(listener(false), "c1", some("alice"), some("wonderland")),
            std::nullopt);
}

TEST_F(FileAccessControl, WarnsWhenOthersCanReadThePasswordFile) {
  ::chmod(passwords.c_str(), 0644);
  make();
  EXPECT_NE(all_log().find("event=password_file_readable_by_others"), std::string::npos)
      << all_log();
}

}  // namespace
}  // namespace telemq::auth
