#pragma once
// What the admin integration tests share: a started daemon per test and telemqctl pointed at it.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "admin_daemon.hpp"

namespace telemq::integration {

class AdminTest : public ::testing::Test {
 protected:
  explicit AdminTest(daemon_settings settings = {}) : daemon(std::move(settings)) {}

  void SetUp() override {
    const std::string error = daemon.start();
    ASSERT_TRUE(error.empty()) << error;
  }

  // The admin module runs inside the broker: a sanitizer report or an unclean stop fails the
  // test that caused it.
  void TearDown() override {
    const auto status = daemon.stop();
    EXPECT_TRUE(status.clean()) << status.describe() << "\n" << daemon.log();
  }

  // telemqctl with the broker's admin URL and data folder (so the token file).
  ctl_result ctl(std::vector<std::string> args) {
    std::vector<std::string> all = {"--url", daemon.admin_url(), "--data-dir",
                                    daemon.data_dir().string()};
    all.insert(all.end(), args.begin(), args.end());
    return run_ctl(daemon.dir(), all);
  }

  // The --json output of a command that must succeed.
  nlohmann::json ctl_json(std::vector<std::string> args) {
    args.push_back("--json");
    const auto r = ctl(args);
    EXPECT_EQ(r.code(), 0) << r.err;
    auto parsed = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << r.out;
    return parsed;
  }

  // "pub ..." or "sub ..." with the options that point it at this broker.
  std::vector<std::string> mqtt(std::vector<std::string> args) const {
    args.insert(args.begin() + 1,
                {"-h", daemon.mqtt_host(), "-p", std::to_string(daemon.mqtt_port())});
    return args;
  }

  // Polls until check() holds (up to 10 s).
  static bool eventually(const std::function<bool()>& check) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (check()) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return check();
  }

  // Starts `telemqctl sub ARGS` in the background; its output goes to NAME.out / NAME.err.
  void start_sub(child_process& process, const std::string& name, std::vector<std::string> args) {
    args.insert(args.begin(), "sub");
    std::vector<std::string> argv = mqtt(std::move(args));
    argv.insert(argv.begin(), telemqctl_binary());
    const auto error =
        process.spawn(argv, daemon.dir() / (name + ".out"), daemon.dir() / (name + ".err"));
    ASSERT_TRUE(error.empty()) << error;
  }

  // Whether the client has a subscription to filter (the broker has answered its SUBSCRIBE).
  bool subscribed(const std::string& client_id, const std::string& filter) {
    const auto r = ctl({"subs", "list", "--client", client_id, "--json"});
    if (r.code() != 0) {
      return false;
    }
    const auto answer = nlohmann::json::parse(r.out, nullptr, false);
    if (answer.is_discarded()) {
      return false;
    }
    for (const auto& s : answer.at("subscriptions")) {
      if (s.at("filter") == filter) {
        return true;
      }
    }
    return false;
  }

  // An offline persistent session (expiry 3600 s) of client_id subscribed at QoS 1 to filter:
  // `telemqctl sub` subscribes, then is killed.
  void make_offline_session(const std::string& client_id, const std::string& filter) {
    child_process keeper;
    start_sub(keeper, client_id,
              {"-t", filter, "-i", client_id, "-c", "-V", "5", "-x", "3600", "-q", "1"});
    ASSERT_TRUE(eventually([&] { return subscribed(client_id, filter); }));
    keeper.kill();
    ASSERT_TRUE(eventually([&] {
      const auto offline = ctl_json({"sessions", "list", "--offline"}).at("sessions");
      return std::any_of(offline.begin(), offline.end(),
                         [&](const auto& s) { return s.at("client_id") == client_id; });
    }));
  }

  // The body of GET /metrics, with the token.
  std::string metrics() {
    const auto response = http_get(daemon.admin_port(), "/metrics",
                                   "Authorization: Bearer " + daemon.token() + "\r\n");
    EXPECT_TRUE(response.starts_with("HTTP/1.1 200 ")) << response;
    return response.substr(response.find("\r\n\r\n") + 4);
  }

  std::string output_of(const std::string& name) const {
    return read_file(daemon.dir() / (name + ".out"));
  }
  std::string errors_of(const std::string& name) const {
    return read_file(daemon.dir() / (name + ".err"));
  }

  admin_daemon daemon;
};

}  // namespace telemq::integration
