// $SYS topics and users managed through the API, end to end.
#include "admin_test_support.hpp"

namespace telemq::integration {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class SysTopics : public AdminTest {};

TEST_F(SysTopics, MosquittoTopicsArriveAndUptimeAdvancesEverySecond) {
  // The retained values at once, then the uptime again a second later.
  const auto got = ctl(mqtt({"sub", "-t", "$SYS/broker/uptime", "-t", "$SYS/broker/version", "-t",
                             "$SYS/broker/load/messages/received/1min", "-t",
                             "$SYS/broker/clients/connected", "-v", "-C", "5", "-W", "15"}));
  ASSERT_EQ(got.code(), 0) << got.err;
  EXPECT_NE(got.out.find("$SYS/broker/version telemq version "), std::string::npos) << got.out;
  EXPECT_NE(got.out.find("$SYS/broker/load/messages/received/1min 0.00\n"), std::string::npos)
      << got.out;
  EXPECT_NE(got.out.find("$SYS/broker/clients/connected "), std::string::npos) << got.out;
  std::size_t uptimes = 0;
  for (auto pos = got.out.find("$SYS/broker/uptime "); pos != std::string::npos;
       pos = got.out.find("$SYS/broker/uptime ", pos + 1)) {
    ++uptimes;
    EXPECT_NE(got.out.find(" seconds\n", pos), std::string::npos);
  }
  EXPECT_GE(uptimes, 2U) << got.out;

  // '#' does not match $SYS topics, and clients cannot publish there.
  const auto hash = ctl(mqtt({"sub", "-t", "#", "-C", "1", "-W", "2"}));
  EXPECT_EQ(hash.code(), 1);
  EXPECT_EQ(hash.out, "");
}

class Users : public AdminTest {
 protected:
  Users() : AdminTest(daemon_settings{.allow_anonymous = false, .users = {{"ops", "first"}}}) {}

  int connect_as(const std::string& user, const std::string& password) {
    const auto r =
        ctl(mqtt({"pub", "-t", "who", "-m", user, "-q", "1", "-u", user, "-P", password}));
    return r.code();
  }
};

TEST_F(Users, AUserAddedThroughTheApiCanConnectAtOnce) {
  EXPECT_EQ(ctl_json({"users", "list"}).at("users"), (json{"ops"}));
  EXPECT_EQ(connect_as("alice", "s3cret"), 3);

  const auto add = ctl({"users", "add", "alice", "--password", "s3cret"});
  ASSERT_EQ(add.code(), 0) << add.err;
  EXPECT_EQ(add.out, "added alice\n");
  EXPECT_EQ(connect_as("alice", "s3cret"), 0);
  EXPECT_EQ(connect_as("alice", "wrong"), 3);
  EXPECT_EQ(ctl({"users", "add", "alice", "--password", "x"}).code(), 1);

  ASSERT_EQ(ctl({"users", "passwd", "alice", "--password", "n3w"}).code(), 0);
  EXPECT_EQ(connect_as("alice", "s3cret"), 3);
  EXPECT_EQ(connect_as("alice", "n3w"), 0);

  ASSERT_EQ(ctl({"users", "remove", "alice"}).code(), 0);
  EXPECT_EQ(connect_as("alice", "n3w"), 3);
  EXPECT_EQ(ctl({"users", "remove", "alice"}).code(), 1);

  // The file stays a Mosquitto password file, owner-only.
  const std::string text = read_file(daemon.password_file());
  EXPECT_TRUE(text.starts_with("ops:$7$")) << text;
  EXPECT_EQ(std::filesystem::status(daemon.password_file()).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_F(Users, APasswordIsReadFromStandardInputWhenNotGiven) {
  // run_to_completion gives telemqctl /dev/null as stdin: an empty password is refused.
  const auto r = ctl({"users", "add", "bob"});
  EXPECT_EQ(r.code(), 2);
  EXPECT_EQ(r.err, "telemqctl: empty password\n");
}

}  // namespace
}  // namespace telemq::integration
