#include "broker/admin/admin_options.hpp"

#include <gtest/gtest.h>

namespace telemq::admin {
namespace {

TEST(AdminAddress, ReadsUrlsAndHostPortPairs) {
  EXPECT_EQ(parse_admin_address("http://127.0.0.1:8081"), (admin_address{"127.0.0.1", 8081}));
  EXPECT_EQ(parse_admin_address("0.0.0.0:9000"), (admin_address{"0.0.0.0", 9000}));
  EXPECT_EQ(parse_admin_address("http://[::1]:8081/"), (admin_address{"::1", 8081}));
  EXPECT_EQ(parse_admin_address("localhost:0"), (admin_address{"127.0.0.1", 0}));
}

TEST(AdminAddress, RefusesWhatItCannotBind) {
  for (const char* bad : {"https://127.0.0.1:8081", "127.0.0.1", "example.com:80", "[::1:80",
                          "127.0.0.1:65536", "127.0.0.1:http", "127.0.0.1:"}) {
    EXPECT_THROW(parse_admin_address(bad), std::invalid_argument) << bad;
  }
}

TEST(AdminAddress, PrintsWhatItReads) {
  for (const char* url : {"http://127.0.0.1:8081", "http://[::1]:1"}) {
    EXPECT_EQ(to_string(parse_admin_address(url)), url);
  }
}

}  // namespace
}  // namespace telemq::admin
