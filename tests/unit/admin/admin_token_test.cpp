#include "broker/admin/admin_token.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

namespace telemq::admin {
namespace {

class AdminTokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("telemq-admin-token-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  std::filesystem::path dir;
};

TEST_F(AdminTokenTest, IsCreatedOnceAsSixtyFourHexDigitsReadableByTheOwnerOnly) {
  const std::string token = load_or_create_token(dir);
  EXPECT_EQ(token.size(), 64U);
  EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos);

  struct stat info {};
  ASSERT_EQ(::stat((dir / "admin.token").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600U);

  EXPECT_EQ(load_or_create_token(dir), token);
  EXPECT_EQ(read_token_file(dir / "admin.token"), token);
  // Only the token file is left: no temporary file.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);
}

TEST_F(AdminTokenTest, TwoDataFoldersGetDifferentTokens) {
  std::filesystem::create_directories(dir / "a");
  std::filesystem::create_directories(dir / "b");
  EXPECT_NE(load_or_create_token(dir / "a"), load_or_create_token(dir / "b"));
}

TEST_F(AdminTokenTest, AHandWrittenTokenIsKeptAndTrimmed) {
  std::ofstream(dir / "admin.token") << "  my-secret\n";
  EXPECT_EQ(load_or_create_token(dir), "my-secret");
}

TEST_F(AdminTokenTest, AnEmptyTokenFileIsAnError) {
  std::ofstream(dir / "admin.token") << "\n";
  EXPECT_THROW(load_or_create_token(dir), std::runtime_error);
}

TEST_F(AdminTokenTest, AMissingFolderIsAnErrorNamingTheFile) {
  try {
    load_or_create_token(dir / "missing");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing/admin.token"), std::string::npos) << e.what();
  }
}

TEST(BearerMatches, AcceptsOnlyTheExactToken) {
  EXPECT_TRUE(bearer_matches("Bearer abc123", "abc123"));
  EXPECT_TRUE(bearer_matches("bearer abc123", "abc123"));
  EXPECT_TRUE(bearer_matches("BEARER  abc123 ", "abc123"));
  EXPECT_FALSE(bearer_matches("Bearer abc124", "abc123"));
  EXPECT_FALSE(bearer_matches("Bearer abc1234", "abc123"));
  EXPECT_FALSE(bearer_matches("Bearer abc12", "abc123"));
  EXPECT_FALSE(bearer_matches("Basic abc123", "abc123"));
  EXPECT_FALSE(bearer_matches("abc123", "abc123"));
  EXPECT_FALSE(bearer_matches("", "abc123"));
  EXPECT_FALSE(bearer_matches("Bearer ", ""));
}

}  // namespace
}  // namespace telemq::admin
