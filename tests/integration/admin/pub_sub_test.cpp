// telemqctl pub and sub against the real daemon: round trips at every QoS in 3.1.1 and 5.0.
#include <fstream>
#include <sstream>

#include "admin_test_support.hpp"

namespace telemq::integration {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

struct round_trip {
  std::string version;
  int qos;
};

class PubSubRoundTrip : public AdminTest, public ::testing::WithParamInterface<round_trip> {};

TEST_P(PubSubRoundTrip, AMessageArrivesOnceWithItsQos) {
  const auto [version, qos] = GetParam();
  const std::string id = "rt-sub-" + version + "-" + std::to_string(qos);
  child_process sub;
  start_sub(sub, "sub",
            {"-t", "rt/+", "-i", id, "-V", version, "-q", std::to_string(qos), "-C", "2", "-W",
             "20", "--json"});
  ASSERT_TRUE(eventually([&] { return subscribed(id, "rt/+"); })) << errors_of("sub");

  std::vector<std::string> pub = {
      "pub", "-t", "rt/a", "-m", "hello wörld", "-q", std::to_string(qos), "-V", version};
  if (version == "5") {
    pub.insert(pub.end(), {"-D", "user-property", "origin", "test", "-D", "publish", "content-type",
                           "text/plain"});
  }
  const auto first = ctl(mqtt(pub));
  ASSERT_EQ(first.code(), 0) << first.err;
  const auto second =
      ctl(mqtt({"pub", "-t", "rt/b", "-s", "-q", std::to_string(qos), "-V", version, "-n"}));
  EXPECT_EQ(second.code(), 2) << "-s and -n together are a usage error";
  const auto empty =
      ctl(mqtt({"pub", "-t", "rt/b", "-n", "-q", std::to_string(qos), "-V", version}));
  ASSERT_EQ(empty.code(), 0) << empty.err;

  const auto ended = sub.wait(20s);
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->code, 0) << errors_of("sub");
  std::istringstream lines(output_of("sub"));
  std::string line;
  std::vector<json> messages;
  while (std::getline(lines, line)) {
    messages.push_back(json::parse(line));
  }
  ASSERT_EQ(messages.size(), 2U) << output_of("sub");
  EXPECT_EQ(messages[0].at("topic"), "rt/a");
  EXPECT_EQ(messages[0].at("payload"), "hello wörld");
  EXPECT_EQ(messages[0].at("qos"), qos);
  EXPECT_EQ(messages[0].at("retain"), false);
  if (version == "5") {
    EXPECT_EQ(messages[0].at("user_properties"), (json{{"origin", "test"}}));
    EXPECT_EQ(messages[0].at("content_type"), "text/plain");
  }
  EXPECT_EQ(messages[1].at("topic"), "rt/b");
  EXPECT_EQ(messages[1].at("payload"), "");
}

INSTANTIATE_TEST_SUITE_P(VersionsAndQos, PubSubRoundTrip,
                         ::testing::Values(round_trip{"311", 0}, round_trip{"311", 1},
                                           round_trip{"311", 2}, round_trip{"5", 0},
                                           round_trip{"5", 1}, round_trip{"5", 2}),
                         [](const auto& info) {
                           return "V" + info.param.version + "_Qos" +
                                  std::to_string(info.param.qos);
                         });

class PubSub : public AdminTest {};

TEST_F(PubSub, VerboseOutputAndRetainedMessagesLikeMosquittoSub) {
  ASSERT_EQ(ctl(mqtt({"pub", "-t", "state/lamp", "-m", "on", "-r", "-q", "1"})).code(), 0);
  const auto got = ctl(mqtt({"sub", "-t", "state/#", "-v", "-C", "1", "-W", "10"}));
  EXPECT_EQ(got.code(), 0) << got.err;
  EXPECT_EQ(got.out, "state/lamp on\n");

  // -R skips the retained message: nothing else comes, so -W ends it without -C reached.
  const auto skipped = ctl(mqtt({"sub", "-t", "state/#", "-R", "-C", "1", "-W", "1"}));
  EXPECT_EQ(skipped.code(), 1);
  EXPECT_EQ(skipped.out, "");
}

TEST_F(PubSub, AFileIsOneMessageAndLineModeSendsALineEach) {
  child_process sub;
  start_sub(sub, "lines", {"-t", "lines", "-i", "line-reader", "-C", "3", "-W", "20", "-q", "1"});
  ASSERT_TRUE(eventually([&] { return subscribed("line-reader", "lines"); }));
  const auto file = daemon.dir() / "three-lines.txt";
  std::ofstream(file) << "first\nsecond\nthird";
  const auto pub = ctl(mqtt({"pub", "-t", "lines", "-f", file.string(), "-q", "1"}));
  ASSERT_EQ(pub.code(), 0) << pub.err;

  const std::string command = "printf 'a\\nb\\n' | '" + telemqctl_binary() +
                              "' pub -h 127.0.0.1 -p " + std::to_string(daemon.mqtt_port()) +
                              " -t lines -l -q 1";
  const auto piped = run_to_completion({"sh", "-c", command}, daemon.dir() / "piped.out",
                                       daemon.dir() / "piped.err", 30s);
  ASSERT_TRUE(piped.clean()) << read_file(daemon.dir() / "piped.err");

  const auto ended = sub.wait(20s);
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->code, 0) << errors_of("lines");
  EXPECT_EQ(output_of("lines"), "first\nsecond\nthird\na\nb\n");
}

TEST_F(PubSub, InvalidTopicsAndQosAreUsageErrors) {
  EXPECT_EQ(ctl(mqtt({"pub", "-t", "a/#", "-m", "x"})).code(), 2);
  EXPECT_EQ(ctl(mqtt({"pub", "-t", "a", "-m", "x", "-q", "3"})).code(), 2);
  EXPECT_EQ(ctl(mqtt({"sub", "-t", "a/#/b", "-C", "1"})).code(), 2);
  EXPECT_EQ(ctl(mqtt({"pub", "-t", "a", "-m", "x", "-D", "user-property", "k", "v"})).code(), 2)
      << "properties need -V 5";
  EXPECT_EQ(ctl(mqtt({"pub", "-t", "a", "-m", "x", "-V", "4"})).code(), 2);
}

}  // namespace
}  // namespace telemq::integration
