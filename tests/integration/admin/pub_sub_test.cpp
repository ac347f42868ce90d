// telemqctl pub and sub against the real daemon: round trips at every QoS in 3.1.1 and 5.0.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "admin_test_support.hpp"
#include "fixture/broker_process.hpp"

namespace telemq::integration {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

struct round_trip {
  std::string version;
  int qos;
};

void PrintTo(const round_trip& r, std::ostream* out) {
  *out << "-V " << r.version << " -q " << r.qos;
}

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
    EXPECT_EQ(messages[0].at("user_properties"), json::array({json::array({"origin", "test"})}));
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

// pub and sub over TLS, with a throwaway self-signed certificate for 127.0.0.1 (where the TLS
// listener is; the plain one moves to 127.0.0.2: two listeners may not share an address).
class TlsPubSub : public AdminTest {
 public:
  static void SetUpTestSuite() {
    certificates_ = make_temp_dir("telemq-admin-cert");
    const auto command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1"
        " -addext subjectAltName=IP:127.0.0.1 -keyout " +
        (certificates_ / "key.pem").string() + " -out " + (certificates_ / "cert.pem").string() +
        " 2>/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << "the openssl command failed: " << command;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(certificates_); }

 protected:
  TlsPubSub()
      : AdminTest(daemon_settings{
            .mqtt_host = "127.0.0.2",
            .extra_toml = "[[listener]]\nurl = \"mqtts://127.0.0.1:0\"\ncert_file = \"" +
                          (certificates_ / "cert.pem").string() + "\"\nkey_file = \"" +
                          (certificates_ / "key.pem").string() + "\"\n"}) {}

  std::vector<std::string> tls(std::vector<std::string> args, const std::string& host) const {
    args.insert(args.begin() + 1,
                {"-h", host, "-p", std::to_string(daemon.listener_port("mqtts"))});
    return args;
  }
  std::string ca() const { return (certificates_ / "cert.pem").string(); }

  static inline std::filesystem::path certificates_;
};

TEST_F(TlsPubSub, ARoundTripOverTlsChecksTheCertificate) {
  ASSERT_NE(daemon.listener_port("mqtts"), 0) << daemon.log();
  const auto published =
      ctl(tls({"pub", "-t", "tls/a", "-m", "secret", "-r", "-q", "1", "--cafile", ca(), "-V", "5"},
              "127.0.0.1"));
  ASSERT_EQ(published.code(), 0) << published.err;
  const auto received =
      ctl(tls({"sub", "-t", "tls/#", "-C", "1", "-W", "10", "--cafile", ca()}, "127.0.0.1"));
  EXPECT_EQ(received.code(), 0) << received.err;
  EXPECT_EQ(received.out, "secret\n");

  // The system's CAs do not know the throwaway certificate.
  const auto unknown = ctl(tls({"pub", "-t", "tls/a", "-m", "x", "--tls"}, "127.0.0.1"));
  EXPECT_EQ(unknown.code(), 3);
  EXPECT_NE(unknown.err.find("TLS handshake"), std::string::npos) << unknown.err;
  // The certificate names 127.0.0.1, not localhost, unless the name is not checked.
  EXPECT_EQ(ctl(tls({"pub", "-t", "tls/a", "-m", "x", "--cafile", ca()}, "localhost")).code(), 3);
  EXPECT_EQ(ctl(tls({"pub", "-t", "tls/a", "-m", "x", "--cafile", ca(), "--insecure"}, "localhost"))
                .code(),
            0);
}

}  // namespace
}  // namespace telemq::integration
