// What a user tries first: Debian's mosquitto_sub and mosquitto_pub against the broker.
#include <algorithm>
#include <sstream>
#include <thread>

#include "fixture/broker_test.hpp"
#include "fixture/child_process.hpp"

namespace telemq::integration {
namespace {

using Cli = broker_test;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

// mosquitto_sub -C 4 -v on x/#: one retained message (which also shows the subscription is in
// place), then three live ones at QoS 0, 1 and 2 from three mosquitto_pub runs.
void check_command_line_round_trip(broker_test& test, const std::filesystem::path& dir,
                                   const std::string& version) {
  const std::string port = std::to_string(test.broker().port());
  const std::vector<std::string> common = {"-h", "127.0.0.1", "-p", port, "-V", version};
  auto with = [&](std::vector<std::string> argv, std::initializer_list<std::string> extra) {
    argv.insert(argv.begin() + 1, common.begin(), common.end());
    argv.insert(argv.end(), extra);
    return argv;
  };
  const auto timeout = std::chrono::milliseconds(wait_timeout);

  auto retained =
      run_to_completion(with({"mosquitto_pub"}, {"-t", "x/retained", "-m", "r0", "-q", "1", "-r"}),
                        dir / "pub-r.out", dir / "pub-r.err", timeout);
  ASSERT_TRUE(retained.clean()) << "mosquitto_pub -r: " << retained.describe() << "\n"
                                << read_file(dir / "pub-r.err");

  child_process subscriber;
  ASSERT_EQ(subscriber.spawn(
                with({"mosquitto_sub"}, {"-C", "4", "-t", "x/#", "-v", "-q", "2", "-W", "30"}),
                dir / "sub.out", dir / "sub.err"),
            "");
  // Bounded wait for the retained message: proof that the subscription exists.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (read_file(dir / "sub.out").find("x/retained r0") == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "mosquitto_sub never printed the retained message; stderr: "
        << read_file(dir / "sub.err");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  for (int qos = 0; qos <= 2; ++qos) {
    const std::string q = std::to_string(qos);
    auto status =
        run_to_completion(with({"mosquitto_pub"}, {"-t", "x/q" + q, "-m", "m" + q, "-q", q}),
                          dir / ("pub" + q + ".out"), dir / ("pub" + q + ".err"), timeout);
    ASSERT_TRUE(status.clean()) << "mosquitto_pub -q " << q << ": " << status.describe() << "\n"
                                << read_file(dir / ("pub" + q + ".err"));
  }
  auto status = subscriber.wait(timeout);
  ASSERT_TRUE(status.has_value()) << "mosquitto_sub -C 4 did not finish; it printed:\n"
                                  << read_file(dir / "sub.out");
  EXPECT_TRUE(status->clean()) << status->describe() << "\n" << read_file(dir / "sub.err");

  auto lines = lines_of(read_file(dir / "sub.out"));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front(), "x/retained r0");
  // Three separate publishers: the spec orders messages per publisher only, so compare as sets.
  std::sort(lines.begin() + 1, lines.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"x/retained r0", "x/q0 m0", "x/q1 m1", "x/q2 m2"}));
}

TEST_F(Cli, MosquittoSubAndPubRoundTrip_V311) {
  check_command_line_round_trip(*this, work_dir_, "mqttv311");
}

TEST_F(Cli, MosquittoSubAndPubRoundTrip_V5) {
  check_command_line_round_trip(*this, work_dir_, "mqttv5");
}

}  // namespace
}  // namespace telemq::integration
