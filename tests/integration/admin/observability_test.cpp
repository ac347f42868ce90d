// What operators read off a running daemon beyond the counters: the bytes held by retained
// messages and session queues, the commit latency histogram, and the keys a reload cannot
// apply.
#include <fstream>
#include <string>

#include "admin_test_support.hpp"
#include "exposition_check.hpp"

namespace telemq::integration {
namespace {

daemon_settings without_sys_topics() {
  daemon_settings settings;
  settings.sys_interval = 0;  // $SYS messages are retained too: they would count
  return settings;
}

class Observability : public AdminTest {
 protected:
  Observability() : AdminTest(without_sys_topics()) {}

  static bool has_line(const std::string& body, const std::string& line) {
    return body.find("\n" + line + "\n") != std::string::npos;
  }
};

TEST_F(Observability, RetainedAndQueuedBytesAreReported) {
  // A retained message: 13 topic bytes and 2 payload bytes.
  ASSERT_EQ(ctl(mqtt({"pub", "-t", "plant/7/state", "-m", "on", "-r", "-q", "1"})).code(), 0);
  // An offline session with two queued messages: 6 + 3 and 6 + 5 bytes.
  make_offline_session("keeper", "jobs/#");
  for (const auto* payload : {"one", "three"}) {
    const auto pub = ctl(mqtt({"pub", "-t", "jobs/1", "-m", payload, "-q", "1"}));
    ASSERT_EQ(pub.code(), 0) << pub.err;
  }

  const auto status = ctl_json({"status"});
  EXPECT_EQ(status.at("retained_messages"), 1);
  EXPECT_EQ(status.at("retained_bytes"), 15);
  EXPECT_EQ(status.at("queued_messages"), 2);
  EXPECT_EQ(status.at("queued_bytes"), 20);

  const std::string body = metrics();
  admin::testing::expect_valid_exposition(body);
  EXPECT_TRUE(has_line(body, "telemq_retained_bytes 15")) << body;
  EXPECT_TRUE(has_line(body, "telemq_queued_bytes 20")) << body;

  const auto table = ctl({"status"});
  EXPECT_NE(table.out.find("15 B"), std::string::npos) << table.out;

  // The session gone, its queue is gone with it.
  ASSERT_EQ(ctl({"sessions", "delete", "keeper"}).code(), 0);
  EXPECT_TRUE(has_line(metrics(), "telemq_queued_bytes 0"));
}

TEST_F(Observability, CommitLatencyIsAPrometheusHistogram) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(
        ctl(mqtt({"pub", "-t", "kept/" + std::to_string(i), "-m", "x", "-r", "-q", "1"})).code(),
        0);
  }
  const std::string body = metrics();
  // Buckets cumulative, ending in +Inf equal to _count: checked by the exposition check.
  admin::testing::expect_valid_exposition(body);
  EXPECT_TRUE(has_line(body, "# TYPE telemq_store_commit_seconds histogram")) << body;
  EXPECT_NE(body.find("\ntelemq_store_commit_seconds_bucket{le=\"0.001\"} "), std::string::npos);
  EXPECT_NE(body.find("\ntelemq_store_commit_seconds_bucket{le=\"10\"} "), std::string::npos);
  const auto inf = body.find("\ntelemq_store_commit_seconds_bucket{le=\"+Inf\"} ");
  ASSERT_NE(inf, std::string::npos) << body;
  EXPECT_GE(std::stoi(body.substr(body.find("} ", inf) + 2)), 3) << "a commit per publish";
  EXPECT_TRUE(has_line(body, "# TYPE telemq_store_batch_operations histogram")) << body;
}

TEST_F(Observability, AReloadNamesTheAdminKeysItCannotApply) {
  const auto path = daemon.dir() / "telemq.toml";
  std::string config = read_file(path);
  const auto at = config.find("sys_interval = 0");
  ASSERT_NE(at, std::string::npos) << config;
  config.replace(at, 16, "sys_interval = 5\nmetrics_without_token = true");
  std::ofstream(path) << config;

  const auto reload = ctl({"reload"});
  EXPECT_EQ(reload.code(), 0) << reload.err;
  EXPECT_NE(daemon.log().find("event=reload_ignored key=admin.metrics_without_token,"
                              "admin.sys_interval change=modified"),
            std::string::npos)
      << daemon.log();
}

}  // namespace
}  // namespace telemq::integration
