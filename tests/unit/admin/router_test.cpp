#include "broker/admin/router.hpp"

#include <gtest/gtest.h>

namespace telemq::admin {
namespace {

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    r.add("GET", "/api/v1/clients", 1);
    r.add("GET", "/api/v1/clients/{*}", 2);
    r.add("DELETE", "/api/v1/clients/{*}", 3);
    r.add("PUT", "/api/v1/users/{}/password", 4);
    r.add("DELETE", "/api/v1/users/{}", 5);
  }
  router<int> r;
};

TEST_F(RouterTest, FindsALiteralRoute) {
  const auto m = r.find("GET", "/api/v1/clients");
  ASSERT_EQ(m.outcome, route_outcome::found);
  EXPECT_EQ(*m.handler, 1);
  EXPECT_TRUE(m.parameters.empty());
}

TEST_F(RouterTest, AnEncodedSlashStaysInsideOneParameter) {
  const auto m = r.find("PUT", "/api/v1/users/ops%2Fteam/password");
  ASSERT_EQ(m.outcome, route_outcome::found);
  EXPECT_EQ(*m.handler, 4);
  EXPECT_EQ(m.parameters, std::vector<std::string>{"ops/team"});
}

TEST_F(RouterTest, TheRestParameterTakesEncodedOrPlainSlashesAndEmptyLevels) {
  auto m = r.find("GET", "/api/v1/clients/plant%2F7");
  ASSERT_EQ(m.outcome, route_outcome::found);
  EXPECT_EQ(m.parameters, std::vector<std::string>{"plant/7"});

  m = r.find("DELETE", "/api/v1/clients/plant//7/");
  ASSERT_EQ(m.outcome, route_outcome::found);
  EXPECT_EQ(*m.handler, 3);
  EXPECT_EQ(m.parameters, std::vector<std::string>{"plant//7/"});
}

TEST_F(RouterTest, UnknownPathsAreNotFound) {
  EXPECT_EQ(r.find("GET", "/api/v1/nothing").outcome, route_outcome::not_found);
  EXPECT_EQ(r.find("GET", "/api/v1/clients/").outcome, route_outcome::not_found);
  EXPECT_EQ(r.find("PUT", "/api/v1/users/x/password/extra").outcome, route_outcome::not_found);
  EXPECT_EQ(r.find("DELETE", "/api/v1/users/").outcome, route_outcome::not_found);
}

TEST_F(RouterTest, AKnownPathWithAnotherMethodListsTheAllowedOnes) {
  const auto m = r.find("POST", "/api/v1/clients/abc");
  EXPECT_EQ(m.outcome, route_outcome::method_not_allowed);
  EXPECT_EQ(m.allow, "GET, DELETE");
}

TEST_F(RouterTest, AMalformedEscapeInAParameterIsABadRequest) {
  EXPECT_EQ(r.find("GET", "/api/v1/clients/a%G1").outcome, route_outcome::bad_encoding);
  EXPECT_EQ(r.find("DELETE", "/api/v1/users/%").outcome, route_outcome::bad_encoding);
}

TEST_F(RouterTest, AMalformedEscapeOnAPathThatMatchesNothingIsNotFound) {
  EXPECT_EQ(r.find("PUT", "/api/v1/users/%/other").outcome, route_outcome::not_found);
}

}  // namespace
}  // namespace telemq::admin
