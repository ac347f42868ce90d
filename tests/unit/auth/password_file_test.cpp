#include "broker/auth/password_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <stdexcept>

#include "auth_test_support.hpp"

namespace telemq::auth {
namespace {

using testing::temp_dir;

constexpr const char* mosquitto_passwd = "/usr/bin/mosquitto_passwd";

std::string error_of(std::string_view text) {
  try {
    password_file::parse(text);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(PasswordFile, ParsesUsersSkippingCommentsAndBlankLines) {
  password_file file;
  file.set_password("carol", "c");
  const std::string line = file.serialize();
  const auto parsed = password_file::parse("# users\n\n" + line + "   \n#dave:$7$\r\n");
  EXPECT_EQ(parsed.users(), std::vector<std::string>{"carol"});
  EXPECT_TRUE(parsed.verify("carol", "c"));
}

TEST(PasswordFile, AcceptsWindowsLineEndings) {
  password_file file;
  file.set_password("carol", "c");
  std::string text = file.serialize();
  text.insert(text.size() - 1, "\r");
  EXPECT_TRUE(password_file::parse(text).verify("carol", "c"));
}

TEST(PasswordFile, ErrorsNameTheLineAndTheUser) {
  EXPECT_EQ(error_of("# fine\nalice\n"), "line 2: expected USER:HASH");
  EXPECT_EQ(error_of(":$6$x$y\n"), "line 1: the user name is empty");
  const std::string plain = error_of("\n\nbob:hunter2\n");
  EXPECT_TRUE(plain.starts_with("line 3: user 'bob': the password is not hashed")) << plain;
  EXPECT_EQ(plain.find("hunter2"), std::string::npos) << "an error must not show a password";
}

TEST(PasswordFile, RefusesAUserDefinedTwice) {
  password_file file;
  file.set_password("eve", "1");
  const std::string line = file.serialize();
  EXPECT_EQ(error_of(line + "\n" + line), "line 3: user 'eve' is already defined on line 1");
}

TEST(PasswordFile, LoadErrorsNameThePath) {
  temp_dir dir;
  testing::write_text(dir / "pw", "alice\n");
  try {
    password_file::load(dir / "pw");
    FAIL() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), (dir / "pw").string() + ":1: expected USER:HASH");
  }
  try {
    password_file::load(dir / "missing");
    FAIL() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos) << e.what();
  }
}

TEST(PasswordFile, VerifiesOnlyTheRightUserAndPassword) {
  password_file file;
  file.set_password("alice", "wonderland");
  file.set_password("bob", "builder");
  EXPECT_TRUE(file.verify("alice", "wonderland"));
  EXPECT_TRUE(file.verify("bob", "builder"));
  EXPECT_FALSE(file.verify("alice", "builder"));
  EXPECT_FALSE(file.verify("mallory", "wonderland"));
  EXPECT_FALSE(file.verify("", ""));
  EXPECT_FALSE(file.verify("alice", std::string("wonderland\0", 11)));
  EXPECT_FALSE(file.verify("alice", std::string("wonderland\0x", 12)));
  EXPECT_THROW(file.set_password("bob", std::string("a\0b", 3)), std::invalid_argument);
}

TEST(PasswordFile, SetReplacesAndRemoveDeletes) {
  password_file file;
  file.set_password("alice", "one");
  file.set_password("alice", "two");
  EXPECT_FALSE(file.verify("alice", "one"));
  EXPECT_TRUE(file.verify("alice", "two"));
  EXPECT_TRUE(file.contains("alice"));
  EXPECT_TRUE(file.remove("alice"));
  EXPECT_FALSE(file.remove("alice"));
  EXPECT_FALSE(file.contains("alice"));
  EXPECT_TRUE(file.users().empty());
}

TEST(PasswordFile, RefusesUserNamesTheFileCannotHold) {
  password_file file;
  EXPECT_THROW(file.set_password("", "x"), std::invalid_argument);
  EXPECT_THROW(file.set_password("a:b", "x"), std::invalid_argument);
  EXPECT_THROW(file.set_password("a\nb:$6$", "x"), std::invalid_argument);
  EXPECT_THROW(file.set_password("a\rb", "x"), std::invalid_argument);
  EXPECT_THROW(file.set_password(std::string(65536, 'u'), "x"), std::invalid_argument);
  file.set_password("名前 with spaces", "x");
  EXPECT_TRUE(password_file::parse(file.serialize()).verify("名前 with spaces", "x"));
}

TEST(PasswordFile, SerializeRoundTrips) {
  password_file file;
  file.set_password("b", "2");
  file.set_password("a", "1");
  const auto again = password_file::parse(file.serialize());
  EXPECT_EQ(again.users(), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(again.verify("a", "1"));
  EXPECT_TRUE(again.verify("b", "2"));
  EXPECT_EQ(again.serialize(), file.serialize());
}

TEST(PasswordFile, SaveWritesAPrivateFileAndLeavesNoTemporary) {
  temp_dir dir;
  const auto path = dir / "passwords";
  testing::write_text(path, "old contents\n");
  ::chmod(path.c_str(), 0644);
  password_file file;
  file.set_password("alice", "a");
  file.save(path);
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_EQ(testing::read_text(path), file.serialize());
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
  EXPECT_TRUE(password_file::load(path).verify("alice", "a"));
}

TEST(PasswordFile, SaveIntoAMissingFolderFailsNamingIt) {
  temp_dir dir;
  password_file file;
  try {
    file.save(dir / "no" / "such" / "pw");
    FAIL() << "saved";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no/such"), std::string::npos) << e.what();
  }
}

TEST(PasswordFileInterop, VerifiesFilesWrittenByMosquittoPasswd) {
  if (!testing::executable(mosquitto_passwd)) {
    GTEST_SKIP() << mosquitto_passwd << " is not installed (apt install mosquitto-clients)";
  }
  temp_dir dir;
  const auto path = dir / "pw";
  const auto log = dir / "log";
  ASSERT_EQ(testing::run({mosquitto_passwd, "-c", "-b", path.string(), "alice", "s3cret:x"}, log),
            0)
      << testing::read_text(log);
  ASSERT_EQ(testing::run({mosquitto_passwd, "-b", path.string(), "bob", "hunter2"}, log), 0);
  // The pre-2.0 format, which old files still hold.
  ASSERT_EQ(
      testing::run({mosquitto_passwd, "-H", "sha512", "-b", path.string(), "carol", "c"}, log), 0);
  const auto file = password_file::load(path);
  EXPECT_EQ(file.users(), (std::vector<std::string>{"alice", "bob", "carol"}));
  EXPECT_TRUE(file.verify("alice", "s3cret:x"));
  EXPECT_TRUE(file.verify("bob", "hunter2"));
  EXPECT_TRUE(file.verify("carol", "c"));
  EXPECT_FALSE(file.verify("alice", "hunter2"));
  EXPECT_FALSE(file.verify("carol", "C"));
}

TEST(PasswordFileInterop, MosquittoPasswdEditsFilesWeWrote) {
  if (!testing::executable(mosquitto_passwd)) {
    GTEST_SKIP() << mosquitto_passwd << " is not installed (apt install mosquitto-clients)";
  }
  temp_dir dir;
  const auto path = dir / "pw";
  password_file file;
  file.set_password("alice", "a");
  file.set_password("bob", "b");
  file.save(path);
  ASSERT_EQ(testing::run({mosquitto_passwd, "-D", path.string(), "bob"}, dir / "log"), 0)
      << testing::read_text(dir / "log");
  const auto edited = password_file::load(path);
  EXPECT_EQ(edited.users(), std::vector<std::string>{"alice"});
  EXPECT_TRUE(edited.verify("alice", "a"));
}

TEST(PasswordFileInterop, MosquittoAcceptsFilesWeWrote) {
  if (!testing::executable(testing::mosquitto_broker::program)) {
    GTEST_SKIP() << testing::mosquitto_broker::program
                 << " is not installed (apt install mosquitto)";
  }
  temp_dir dir;
  const auto path = dir / "pw";
  password_file file;
  file.set_password("alice", "wonderland");
  file.set_password("bob", "builder");
  file.save(path);
  testing::mosquitto_broker mosquitto(
      dir, "allow_anonymous false\npassword_file " + path.string() + "\n");
  ASSERT_TRUE(mosquitto.ready()) << mosquitto.log();
  EXPECT_EQ(testing::connack_code(mosquitto.port(), "alice", "wonderland"), 0) << mosquitto.log();
  EXPECT_EQ(testing::connack_code(mosquitto.port(), "bob", "builder"), 0) << mosquitto.log();
  // 3.1.1 return code 5: not authorized.
  EXPECT_EQ(testing::connack_code(mosquitto.port(), "alice", "builder"), 5) << mosquitto.log();
  EXPECT_EQ(testing::connack_code(mosquitto.port(), "mallory", "x"), 5) << mosquitto.log();
}

}  // namespace
}  // namespace telemq::auth
