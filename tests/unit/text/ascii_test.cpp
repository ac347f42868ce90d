#include "broker/text/ascii.hpp"

#include <gtest/gtest.h>

namespace telemq::text {
namespace {

TEST(Trim, RemovesBlanksAtBothEndsOnly) {
  EXPECT_EQ(trim("  \tBasic abc \r\n"), "Basic abc");
  EXPECT_EQ(trim("a b"), "a b");
  EXPECT_EQ(trim(" \t\r\n"), "");
  EXPECT_EQ(trim(""), "");
}

TEST(Trim, TakesItsOwnBlanks) {
  EXPECT_EQ(trim("--x--", "-"), "x");
  EXPECT_EQ(trim(" x\n", " "), "x\n");
}

TEST(EqualsIgnoringCase, FoldsAsciiLettersOnly) {
  EXPECT_TRUE(equals_ignoring_case("Content-Length", "content-length"));
  EXPECT_FALSE(equals_ignoring_case("basic", "basics"));
  EXPECT_FALSE(equals_ignoring_case("a[", "A{"));  // '[' and '{' are not letters
  EXPECT_FALSE(equals_ignoring_case("\xC3\xA9", "\xC3\x89"));
}

}  // namespace
}  // namespace telemq::text
