#include "broker/auth/passwd_command.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <sstream>

#include "auth_test_support.hpp"
#include "broker/auth/password_file.hpp"

namespace telemq::auth {
namespace {

using testing::temp_dir;

struct outcome {
  int code = -1;
  std::string out;
  std::string err;
};

outcome passwd(std::vector<std::string> args, const std::string& input = {}) {
  args.insert(args.begin(), "passwd");
  std::vector<char*> argv;
  for (auto& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  outcome result;
  result.code = run_passwd(static_cast<int>(args.size()), argv.data(), in, out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

TEST(PasswdCommand, BatchModeCreatesAndAdds) {
  temp_dir dir;
  const std::string file = (dir / "pw").string();
  ASSERT_EQ(passwd({"-c", "-b", file, "alice", "a"}).code, 0);
  ASSERT_EQ(passwd({"-b", file, "bob", "b"}).code, 0);
  const auto users = password_file::load(file);
  EXPECT_TRUE(users.verify("alice", "a"));
  EXPECT_TRUE(users.verify("bob", "b"));
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST(PasswdCommand, CombinedFlagsWork) {
  temp_dir dir;
  const std::string file = (dir / "pw").string();
  ASSERT_EQ(passwd({"-cb", file, "alice", "a"}).code, 0);
  EXPECT_TRUE(password_file::load(file).verify("alice", "a"));
}

TEST(PasswdCommand, ReadsThePasswordTwice) {
  temp_dir dir;
  const std::string file = (dir / "pw").string();
  const auto done = passwd({"-c", file, "alice"}, "correct horse\ncorrect horse\n");
  ASSERT_EQ(done.code, 0) << done.err;
  EXPECT_TRUE(password_file::load(file).verify("alice", "correct horse"));
}

TEST(PasswdCommand, RefusesPasswordsThatDoNotMatch) {
  temp_dir dir;
  const std::string file = (dir / "pw").string();
  const auto failed = passwd({"-c", file, "alice"}, "one\ntwo\n");
  EXPECT_EQ(failed.code, 1);
  EXPECT_NE(failed.err.find("do not match"), std::string::npos) << failed.err;
  EXPECT_FALSE(std::filesystem::exists(file)) << "nothing is written after a failure";
}

TEST(PasswdCommand, RefusesAnEmptyOrMissingPassword) {
  temp_dir dir;
  const std::string file = (dir / "pw").string();
  EXPECT_EQ(passwd({"-c", file, "alice"}, "\n\n").code, 1);
  EXPECT_EQ(passwd({"-c", file, "alice"}, "").code, 1);
  EXPECT_EQ(passwd({"-c", "-b", file, "alice", ""}).code, 1);
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(PasswdCommand, ChangesAPasswordKeepingOtherUsers) {
  temp_dir dir;
  const std::string file = (dir / "pw").string();
  ASSERT_EQ(passwd({"-c", "-b", file, "alice", "a"}).code, 0);
  ASSERT_EQ(passwd({"-b", file, "bob", "b"}).code, 0);
  ASSERT_EQ(passwd({"-b", file, "alice", "new"}).code, 0);
  const auto users = password_file::load(file);
  EXPECT_FALSE(users.verify("alice", "a"));
  EXPECT_TRUE(users.verify("alice", "new"));
  EXPECT_TRUE(users.verify("bob", "b"));
}

TEST(PasswdCommand, DeletesAUser) {
  temp_dir dir;
  const std::string file = (dir / "pw").string();
  ASSERT_EQ(passwd({"-c", "-b", file, "alice", "a"}).code, 0);
  ASSERT_EQ(passwd({"-b", file, "bob", "b"}).code, 0);
  ASSERT_EQ(passwd({"-D", file, "alice"}).code, 0);
  EXPECT_EQ(password_file::load(file).users(), std::vector<std::string>{"bob"});
  const auto missing = passwd({"-D", file, "alice"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("'alice' is not in"), std::string::npos) << missing.err;
}

TEST(PasswdCommand, CreateReplacesAnExistingFile) {
  temp_dir dir;
  const std::string file = (dir / "pw").string();
  ASSERT_EQ(passwd({"-c", "-b", file, "alice", "a"}).code, 0);
  ASSERT_EQ(passwd({"-c", "-b", file, "bob", "b"}).code, 0);
  EXPECT_EQ(password_file::load(file).users(), std::vector<std::string>{"bob"});
}

TEST(PasswdCommand, AMissingFileNeedsCreate) {
  temp_dir dir;
  const auto failed = passwd({"-b", (dir / "pw").string(), "alice", "a"});
  EXPECT_EQ(failed.code, 1);
  EXPECT_NE(failed.err.find("-c creates it"), std::string::npos) << failed.err;
}

TEST(PasswdCommand, ABrokenFileIsNotOverwritten) {
  temp_dir dir;
  const auto file = dir / "pw";
  testing::write_text(file, "alice:plaintext\n");
  const auto failed = passwd({"-b", file.string(), "bob", "b"});
  EXPECT_EQ(failed.code, 1);
  EXPECT_NE(failed.err.find(file.string() + ":1:"), std::string::npos) << failed.err;
  EXPECT_EQ(testing::read_text(file), "alice:plaintext\n");
}

TEST(PasswdCommand, RefusesAUserNameWithAColon) {
  temp_dir dir;
  const auto failed = passwd({"-c", "-b", (dir / "pw").string(), "a:b", "x"});
  EXPECT_EQ(failed.code, 1);
  EXPECT_NE(failed.err.find("':'"), std::string::npos) << failed.err;
}

TEST(PasswdCommand, UsageErrors) {
  EXPECT_EQ(passwd({}).code, 2);
  EXPECT_EQ(passwd({"file"}).code, 2);
  EXPECT_EQ(passwd({"-x", "file", "user"}).code, 2);
  EXPECT_EQ(passwd({"-c", "-D", "file", "user"}).code, 2);
  EXPECT_EQ(passwd({"-b", "file", "user"}).code, 2);
  const auto without_b = passwd({"file", "user", "password"});
  EXPECT_EQ(without_b.code, 2);
  EXPECT_NE(without_b.err.find("needs -b"), std::string::npos) << without_b.err;
  const auto help = passwd({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("usage: telemq passwd"), std::string::npos);
}

TEST(PasswdCommand, MosquittoReadsWhatItWrites) {
  constexpr const char* mosquitto_passwd = "/usr/bin/mosquitto_passwd";
  if (!testing::executable(mosquitto_passwd)) {
    GTEST_SKIP() << mosquitto_passwd << " is not installed (apt install mosquitto-clients)";
  }
  temp_dir dir;
  const std::string file = (dir / "pw").string();
  ASSERT_EQ(passwd({"-c", "-b", file, "alice", "a"}).code, 0);
  // mosquitto_passwd rewrites the file line by line and must understand every line to keep it.
  ASSERT_EQ(testing::run({mosquitto_passwd, "-b", file, "bob", "b"}, dir / "log"), 0);
  ASSERT_EQ(passwd({"-b", file, "carol", "c"}).code, 0);
  const auto users = password_file::load(file);
  EXPECT_TRUE(users.verify("alice", "a"));
  EXPECT_TRUE(users.verify("bob", "b"));
  EXPECT_TRUE(users.verify("carol", "c"));
}

}  // namespace
}  // namespace telemq::auth
