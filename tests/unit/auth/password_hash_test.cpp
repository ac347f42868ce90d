#include "broker/auth/password_hash.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace telemq::auth {
namespace {

// Written by mosquitto_passwd 2.0.11 (`-b -c FILE alice secret`, and `-H sha512` for bob).
constexpr std::string_view alice_pbkdf2 =
    "$7$101$JfDzaj+1Ni/VMPs6$E22TvBLHvG+Culp+3mmXzZshM4ALI7B7k4zLcSL419CQ01oDNj+2tBQKavOJwhetzWw6"
    "XCSg5ZAJb/QWUiQgiA==";
constexpr std::string_view bob_sha512 =
    "$6$160dZ5TxdBs4FdxI$s0MTbr1OIjPsVaOawwr7J5nu7PTTB/lQEvs3Q1cQ3+EQIL2NWC3FnvJkMdlq0zJB6nfJ6jXig"
    "MiGinlnO2XPTQ==";

TEST(PasswordHash, VerifiesAMosquittoPbkdf2Hash) {
  const auto h = password_hash::parse(alice_pbkdf2);
  EXPECT_EQ(h.kind, password_hash::algorithm::pbkdf2_sha512);
  EXPECT_EQ(h.iterations, 101u);
  EXPECT_EQ(h.salt.size(), 12u);
  EXPECT_TRUE(h.verify("secret"));
  EXPECT_FALSE(h.verify("Secret"));
  EXPECT_FALSE(h.verify("secret "));
  EXPECT_FALSE(h.verify(""));
}

TEST(PasswordHash, VerifiesAMosquittoSha512Hash) {
  const auto h = password_hash::parse(bob_sha512);
  EXPECT_EQ(h.kind, password_hash::algorithm::sha512);
  EXPECT_TRUE(h.verify("pw6"));
  EXPECT_FALSE(h.verify("pw7"));
}

TEST(PasswordHash, FormatsExactlyAsParsed) {
  EXPECT_EQ(password_hash::parse(alice_pbkdf2).format(), alice_pbkdf2);
  EXPECT_EQ(password_hash::parse(bob_sha512).format(), bob_sha512);
}

TEST(PasswordHash, CreatesMosquittoDefaultsWithAFreshSalt) {
  const auto a = password_hash::create("hunter2");
  const auto b = password_hash::create("hunter2");
  EXPECT_EQ(a.kind, password_hash::algorithm::pbkdf2_sha512);
  EXPECT_EQ(a.iterations, 101u);
  EXPECT_EQ(a.salt.size(), 12u);
  EXPECT_EQ(a.hash.size(), 64u);
  EXPECT_NE(a.salt, b.salt);
  EXPECT_NE(a.hash, b.hash);
  EXPECT_TRUE(a.verify("hunter2"));
  EXPECT_FALSE(a.verify("hunter3"));
  EXPECT_TRUE(password_hash::parse(a.format()).verify("hunter2"));
  EXPECT_TRUE(a.format().starts_with("$7$101$"));
}

TEST(PasswordHash, HashesAnEmptyPassword) {
  const auto h = password_hash::create("");
  EXPECT_TRUE(h.verify(""));
  EXPECT_FALSE(h.verify("x"));
}

TEST(PasswordHash, RefusesMalformedFields) {
  const std::string_view bad[] = {
      "plaintext",
      "$1$abc$def",
      "$7$",
      "$7$101$",
      "$7$0$JfDzaj+1Ni/"
      "VMPs6$E22TvBLHvG+Culp+3mmXzZshM4ALI7B7k4zLcSL419CQ01oDNj+2tBQKavOJwhetzWw6XCSg"
      "5ZAJb/QWUiQgiA==",
      "$7$x$JfDzaj+1Ni/"
      "VMPs6$E22TvBLHvG+Culp+3mmXzZshM4ALI7B7k4zLcSL419CQ01oDNj+2tBQKavOJwhetzWw6XCSg"
      "5ZAJb/QWUiQgiA==",
      "$7$101$$E22TvBLHvG+Culp+3mmXzZshM4ALI7B7k4zLcSL419CQ01oDNj+2tBQKavOJwhetzWw6XCSg5ZAJb/"
      "QWUiQgiA==",
      "$7$101$JfDzaj+1Ni/VMPs6$",
      "$7$101$JfDzaj+1Ni/VMPs6$c2hvcnQ=",  // 5 bytes, not 64
      "$7$101$!!!!$E22TvBLHvG+Culp+3mmXzZshM4ALI7B7k4zLcSL419CQ01oDNj+2tBQKavOJwhetzWw6XCSg5ZAJb/"
      "QWUiQgiA==",
      "$7$101$JfDzaj+1Ni/"
      "VMPs6$E22TvBLHvG+Culp+3mmXzZshM4ALI7B7k4zLcSL419CQ01oDNj+2tBQKavOJwhetzWw6XCS"
      "g5ZAJb/QWUiQgiA==$extra",
      "$6$onlysalt",
  };
  for (const auto field : bad) {
    EXPECT_THROW(password_hash::parse(field), std::invalid_argument) << field;
  }
}

TEST(PasswordHash, RefusesIterationCountsThatWouldStallTheBroker) {
  try {
    password_hash::parse(
        "$7$4000000000$JfDzaj+1Ni/VMPs6$E22TvBLHvG+Culp+3mmXzZshM4ALI7B7k4zLcSL419CQ01oDNj+2tBQKavO"
        "JwhetzWw6XCSg5ZAJb/QWUiQgiA==");
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("above the limit"), std::string::npos) << e.what();
  }
}

TEST(PasswordHash, ErrorsNeverQuoteTheHash) {
  try {
    password_hash::parse("$7$101$JfDzaj+1Ni/VMPs6$c2hvcnQ=");
    FAIL() << "accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find("JfDzaj"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("c2hvcnQ"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace telemq::auth
