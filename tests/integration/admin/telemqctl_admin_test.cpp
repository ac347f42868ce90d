// telemqctl's admin commands against the real daemon.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "admin_test_support.hpp"
#include "exposition_check.hpp"

namespace telemq::integration {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class TelemqctlAdmin : public AdminTest {};

TEST_F(TelemqctlAdmin, StatusReportsVersionUptimeAndDurability) {
  const auto status = ctl_json({"status"});
  EXPECT_FALSE(status.at("version").get<std::string>().empty());
  EXPECT_GE(status.at("uptime").get<int>(), 0);
  EXPECT_EQ(status.at("durability"), "process");
  EXPECT_EQ(status.at("connections").at("current"), 0);
  EXPECT_TRUE(status.at("store").at("size_bytes").get<std::uint64_t>() > 0);

  const auto table = ctl({"status"});
  EXPECT_EQ(table.code(), 0) << table.err;
  EXPECT_NE(table.out.find("connections"), std::string::npos) << table.out;
}

TEST_F(TelemqctlAdmin, TheTokenIsCreatedOwnerOnlyAndRequired) {
  EXPECT_EQ(daemon.token().size(), 64U);
  EXPECT_EQ(std::filesystem::status(daemon.data_dir() / "admin.token").permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  const auto wrong =
      run_ctl(daemon.dir(), {"--url", daemon.admin_url(), "--token", "nope", "status"});
  EXPECT_EQ(wrong.code(), 3);
  EXPECT_NE(wrong.err.find("401"), std::string::npos) << wrong.err;

  // Without any token: no file in the given data folder.
  const auto none = run_ctl(daemon.dir(), {"--url", daemon.admin_url(), "--data-dir",
                                           (daemon.dir() / "elsewhere").string(), "status"});
  EXPECT_EQ(none.code(), 3);
  EXPECT_NE(none.err.find("no admin token"), std::string::npos) << none.err;

  const std::vector<std::string> refused = {"", "Authorization: Bearer nope\r\n",
                                            "Authorization: Basic " + daemon.token() + "\r\n"};
  for (const auto& headers : refused) {
    for (const std::string target : {"/api/v1/status", "/metrics", "/nothing"}) {
      const auto response = http_get(daemon.admin_port(), target, headers);
      EXPECT_TRUE(response.starts_with("HTTP/1.1 401 ")) << target << ":\n" << response;
      EXPECT_NE(response.find("{\"error\":\"unauthorized\"}"), std::string::npos) << response;
    }
  }
}

TEST_F(TelemqctlAdmin, HttpErrorsAreJsonWithTheRightStatus) {
  const std::string auth = "Authorization: Bearer " + daemon.token() + "\r\n";
  const auto missing = http_get(daemon.admin_port(), "/api/v1/nothing", auth);
  EXPECT_TRUE(missing.starts_with("HTTP/1.1 404 ")) << missing;
  EXPECT_NE(missing.find("application/json"), std::string::npos);
  const auto bad = http_get(daemon.admin_port(), "/api/v1/clients?limit=x", auth);
  EXPECT_TRUE(bad.starts_with("HTTP/1.1 400 ")) << bad;
  const auto method = http_get(daemon.admin_port(), "/api/v1/reload", auth);
  EXPECT_TRUE(method.starts_with("HTTP/1.1 405 ")) << method;
  EXPECT_NE(method.find("Allow: POST"), std::string::npos) << method;
}

TEST_F(TelemqctlAdmin, MetricsAreValidPrometheusText) {
  child_process watcher;
  start_sub(watcher, "watcher", {"-t", "m/#", "-i", "metrics-watcher"});
  ASSERT_TRUE(eventually([&] { return subscribed("metrics-watcher", "m/#"); }));

  const auto response =
      http_get(daemon.admin_port(), "/metrics", "Authorization: Bearer " + daemon.token() + "\r\n");
  ASSERT_TRUE(response.starts_with("HTTP/1.1 200 ")) << response;
  EXPECT_NE(response.find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
  const std::string body = response.substr(response.find("\r\n\r\n") + 4);
  admin::testing::expect_valid_exposition(body);
  EXPECT_GT(std::count(body.begin(), body.end(), '\n'), 60);
  EXPECT_NE(body.find("\ntelemq_connections 1\n"), std::string::npos) << body;
  EXPECT_NE(body.find("telemq_listener_connections{listener=\"mqtt://127.0.0.1:"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("telemq_store_batches_total"), std::string::npos);
}

TEST_F(TelemqctlAdmin, ClientsListShowsASubscriberAndKickDisconnectsIt) {
  child_process watcher;
  start_sub(watcher, "watcher", {"-t", "plant/#", "-i", "plant/watcher", "-V", "5", "-q", "1"});
  ASSERT_TRUE(eventually([&] { return subscribed("plant/watcher", "plant/#"); }))
      << errors_of("watcher");

  const auto list = ctl_json({"clients", "list", "--online"});
  ASSERT_EQ(list.at("total"), 1) << list;
  const auto& client = list.at("clients")[0];
  EXPECT_EQ(client.at("client_id"), "plant/watcher");
  EXPECT_EQ(client.at("online"), true);
  EXPECT_EQ(client.at("protocol"), "5.0");
  EXPECT_EQ(client.at("subscriptions"), 1);

  const auto table = ctl({"clients", "list"});
  EXPECT_EQ(table.code(), 0);
  EXPECT_NE(table.out.find("plant/watcher"), std::string::npos) << table.out;

  const auto shown = ctl_json({"clients", "show", "plant/watcher"});
  EXPECT_EQ(shown.at("subscription_list")[0].at("filter"), "plant/#");
  EXPECT_EQ(shown.at("subscription_list")[0].at("qos"), 1);

  const auto kick = ctl({"clients", "kick", "plant/watcher"});
  EXPECT_EQ(kick.code(), 0) << kick.err;
  EXPECT_EQ(kick.out, "disconnected plant/watcher\n");
  const auto ended = watcher.wait(10s);
  ASSERT_TRUE(ended) << "the subscriber is still running";
  EXPECT_EQ(ended->code, 1);
  EXPECT_NE(errors_of("watcher").find("administrative action (0x98)"), std::string::npos)
      << errors_of("watcher");

  const auto again = ctl({"clients", "kick", "plant/watcher"});
  EXPECT_EQ(again.code(), 1);
  EXPECT_EQ(again.err, "telemqctl: client 'plant/watcher' is not connected\n");
  EXPECT_EQ(ctl({"clients", "show", "nobody"}).code(), 1);
}

TEST_F(TelemqctlAdmin, AnOfflineSessionShowsItsQueueAndCanBeDeleted) {
  make_offline_session("keeper", "jobs/#");

  for (const auto* payload : {"one", "two"}) {
    const auto pub = ctl(mqtt({"pub", "-t", "jobs/1", "-m", payload, "-q", "1"}));
    ASSERT_EQ(pub.code(), 0) << pub.err;
  }
  const auto sessions = ctl_json({"sessions", "list", "--offline"});
  ASSERT_EQ(sessions.at("sessions").size(), 1U);
  EXPECT_EQ(sessions.at("sessions")[0].at("client_id"), "keeper");
  EXPECT_EQ(sessions.at("sessions")[0].at("queued"), 2);
  EXPECT_EQ(sessions.at("sessions")[0].at("session_expiry_interval"), 3600);

  const auto removed = ctl({"sessions", "delete", "keeper"});
  EXPECT_EQ(removed.code(), 0) << removed.err;
  EXPECT_EQ(ctl_json({"sessions", "list"}).at("total"), 0);
  EXPECT_EQ(ctl({"sessions", "delete", "keeper"}).code(), 1);
}

TEST_F(TelemqctlAdmin, RetainedMessagesAreListedReadAndDeleted) {
  ASSERT_EQ(ctl(mqtt({"pub", "-t", "plant/7/state", "-m", "on", "-r", "-q", "1"})).code(), 0);
  ASSERT_EQ(ctl(mqtt({"pub", "-t", "plant/8/state", "-m", "off", "-r", "-q", "1"})).code(), 0);

  const auto list = ctl_json({"retained", "list", "--filter", "plant/+/state"});
  ASSERT_EQ(list.at("total"), 2) << list;
  EXPECT_EQ(list.at("messages")[0].at("topic"), "plant/7/state");
  EXPECT_EQ(list.at("messages")[1].at("payload"), "off");

  const auto get = ctl({"retained", "get", "plant/7/state"});
  EXPECT_EQ(get.code(), 0) << get.err;
  EXPECT_EQ(get.out, "on\n");

  EXPECT_EQ(ctl({"retained", "delete", "plant/7/state"}).code(), 0);
  const auto gone = ctl({"retained", "get", "plant/7/state"});
  EXPECT_EQ(gone.code(), 1);
  EXPECT_EQ(gone.err, "telemqctl: no retained message on 'plant/7/state'\n");
  EXPECT_EQ(ctl_json({"retained", "list", "--filter", "plant/#"}).at("total"), 1);

  const auto invalid = ctl({"retained", "list", "--filter", "a/#/b"});
  EXPECT_EQ(invalid.code(), 1);
}

TEST_F(TelemqctlAdmin, ReloadAndTopWork) {
  const auto reload = ctl({"reload"});
  EXPECT_EQ(reload.code(), 0) << reload.err;
  EXPECT_EQ(reload.out, "reloaded\n");

  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(ctl(mqtt({"pub", "-t", "hot/topic", "-m", "x"})).code(), 0);
  }
  ASSERT_TRUE(eventually([&] {
    const auto top = ctl_json({"top", "--once"});
    const auto& topics = top.at("topics").at("topics");
    return !topics.empty() && topics[0].at("topic") == "hot/topic";
  }));
  const auto frame = ctl({"top", "--once"});
  EXPECT_EQ(frame.code(), 0) << frame.err;
  EXPECT_NE(frame.out.find("hot/topic"), std::string::npos) << frame.out;
  EXPECT_NE(frame.out.find("messages/s"), std::string::npos) << frame.out;
}

TEST_F(TelemqctlAdmin, AnIdleAdminConnectionDoesNotHoldUpShutdown) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(daemon.admin_port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string half = "GET /api/v1/status HTTP/1.1\r\nHost: x\r\n";
  ::send(fd, half.data(), half.size(), MSG_NOSIGNAL);

  const auto start = std::chrono::steady_clock::now();
  const auto status = daemon.stop();
  EXPECT_TRUE(status.clean()) << status.describe();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  ::close(fd);
}

TEST_F(TelemqctlAdmin, ExitCodesScriptsCanTrust) {
  EXPECT_EQ(ctl({"clients"}).code(), 2);
  EXPECT_EQ(ctl({"no-such-command"}).code(), 2);
  EXPECT_EQ(ctl({"pub", "-t", "a"}).code(), 2);
  const auto refused =
      run_ctl(daemon.dir(), {"--url", "http://127.0.0.1:1", "--token", "x", "status"});
  EXPECT_EQ(refused.code(), 3);
  EXPECT_NE(refused.err.find("cannot connect"), std::string::npos) << refused.err;
  const auto no_broker =
      run_ctl(daemon.dir(), {"pub", "-h", "127.0.0.1", "-p", "1", "-t", "a", "-m", "x"});
  EXPECT_EQ(no_broker.code(), 3);
  // One line on stderr.
  EXPECT_EQ(std::count(no_broker.err.begin(), no_broker.err.end(), '\n'), 1) << no_broker.err;
}

}  // namespace
}  // namespace telemq::integration
