#include "broker/text/base64.hpp"

#include <gtest/gtest.h>

namespace telemq::text {
namespace {

std::vector<std::uint8_t> bytes(std::string_view text) {
  return {text.begin(), text.end()};
}

TEST(Base64, EncodesTheRfc4648Vectors) {
  EXPECT_EQ(base64_encode(bytes("")), "");
  EXPECT_EQ(base64_encode(bytes("f")), "Zg==");
  EXPECT_EQ(base64_encode(bytes("fo")), "Zm8=");
  EXPECT_EQ(base64_encode(bytes("foo")), "Zm9v");
  EXPECT_EQ(base64_encode(bytes("foob")), "Zm9vYg==");
  EXPECT_EQ(base64_encode(bytes("fooba")), "Zm9vYmE=");
  EXPECT_EQ(base64_encode(bytes("foobar")), "Zm9vYmFy");
}

TEST(Base64, DecodesWithAndWithoutPadding) {
  EXPECT_EQ(base64_decode("Zm9vYg=="), bytes("foob"));
  EXPECT_EQ(base64_decode("Zm9vYg"), bytes("foob"));
  EXPECT_EQ(base64_decode("Zm9vYmE="), bytes("fooba"));
  EXPECT_EQ(base64_decode("Zm9vYmFy"), bytes("foobar"));
  EXPECT_EQ(base64_decode(""), bytes(""));
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::vector<std::uint8_t> all;
  for (int i = 0; i < 256; ++i) {
    all.push_back(static_cast<std::uint8_t>(i));
    EXPECT_EQ(base64_decode(base64_encode(all)), all) << "length " << all.size();
  }
}

TEST(Base64, EncodesTextAsItsBytes) {
  EXPECT_EQ(base64_encode(std::string_view("foobar")), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string_view("\0\xFF", 2)), "AP8=");
}

TEST(Base64, RefusesWhatIsNotBase64) {
  EXPECT_FALSE(base64_decode("Zm9v!"));
  EXPECT_FALSE(base64_decode("Zm9vY"));      // 6 bits left over
  EXPECT_FALSE(base64_decode("Zm=v"));       // padding inside
  EXPECT_FALSE(base64_decode("Zm9vYg==="));  // too much padding
  EXPECT_FALSE(base64_decode("Zm9 v"));
  EXPECT_FALSE(base64_decode("Zm9v-_"));  // the URL alphabet is not Mosquitto's
}

}  // namespace
}  // namespace telemq::text
