// The admin API against a real (sans-I/O) broker driven by scripted clients.
#include "broker/admin/admin_api.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "broker/auth/file_access_control.hpp"
#include "broker/auth/password_file.hpp"
#include "core_harness.hpp"

namespace telemq::admin {
namespace {

using core::testing::client;
using core::testing::harness;
using nlohmann::json;

// Runs background work at once, on the calling thread.
class inline_runner final : public background_runner {
 public:
  void run(background_job job) override { job()(); }
};

class AdminApiTest : public ::testing::Test {
 protected:
  AdminApiTest() : measures(h.engine, nullptr, nullptr, 100, telemetry::clock::time_point{}) {
    dir = std::filesystem::temp_directory_path() /
          ("telemq-admin-api-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    h.engine.add_observer([this](const core::message_ptr& msg) { measures.observe(*msg); });
    make_api();
  }
  ~AdminApiTest() override { std::filesystem::remove_all(dir); }

  void make_api(auth::file_access_control* access = nullptr,
                std::optional<std::filesystem::path> passwords = std::nullopt,
                std::optional<std::filesystem::path> acl = std::nullopt,
                bool metrics_without_token = false) {
    api.emplace(api_context{
        .broker = h.engine,
        .measures = measures,
        .background = runner,
        .token = "secret",
        .metrics_without_token = metrics_without_token,
        .access = access,
        .password_file = std::move(passwords),
        .acl_file = std::move(acl),
        .version = "9.9.9",
        .durability = "memory",
        .reload =
            [this] {
              ++reloads;
              return reload_problems;
            },
        .clock = [this] { return h.now; },
        .steady_clock = [] { return telemetry::clock::time_point{} + std::chrono::seconds(90); },
    });
  }

  http_response call(const std::string& method, const std::string& target,
                     const std::string& body = "", const std::string& token = "secret") {
    std::optional<http_response> answer;
    api->handle({method, target, token.empty() ? "" : "Bearer " + token, body},
                [&](http_response r) {
                  EXPECT_FALSE(answer) << "answered twice";
                  answer = std::move(r);
                });
    EXPECT_TRUE(answer) << method << " " << target << " was not answered";
    return answer.value_or(http_response{});
  }

  json get_json(const std::string& target, unsigned expected_status = 200) {
    const auto r = call("GET", target);
    EXPECT_EQ(r.status, expected_status) << target << ": " << r.body;
    EXPECT_EQ(r.content_type, "application/json");
    return json::parse(r.body);
  }

  std::filesystem::path write_password_file(const std::string& user, const std::string& password) {
    auth::password_file file;
    file.set_password(user, password);
    const auto path = dir / "passwords";
    file.save(path);
    return path;
  }

  harness h;
  telemetry measures;
  inline_runner runner;
  std::optional<admin_api> api;
  std::filesystem::path dir;
  int reloads = 0;
  std::vector<std::string> reload_problems;
};

TEST_F(AdminApiTest, EveryRequestNeedsTheTokenAndARefusalSaysNothingMore) {
  for (const std::string target : {"/api/v1/status", "/api/v1/nothing", "/metrics"}) {
    for (const std::string token : {"", "wrong", "secret2", "secre"}) {
      const auto r = call("GET", target, "", token);
      EXPECT_EQ(r.status, 401U) << target << " with '" << token << "'";
      EXPECT_EQ(json::parse(r.body), (json{{"error", "unauthorized"}}));
    }
  }
  EXPECT_EQ(call("GET", "/api/v1/status").status, 200U);
}

TEST_F(AdminApiTest, MetricsMayBeOpenWhileTheApiStaysClosed) {
  make_api(nullptr, std::nullopt, std::nullopt, true);
  const auto metrics = call("GET", "/metrics", "", "");
  EXPECT_EQ(metrics.status, 200U);
  EXPECT_EQ(metrics.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(metrics.body.find("# TYPE telemq_connections gauge\n"), std::string::npos);
  EXPECT_EQ(call("GET", "/api/v1/status", "", "").status, 401U);
}

TEST_F(AdminApiTest, UnknownResourcesMethodsAndEscapesAreRefusedWithJsonErrors) {
  EXPECT_EQ(get_json("/api/v1/nothing", 404).at("error"), "no such resource");
  const auto r = call("PATCH", "/api/v1/clients/x");
  EXPECT_EQ(r.status, 405U);
  EXPECT_EQ(r.allow, "GET, DELETE");
  EXPECT_EQ(call("GET", "/api/v1/clients/a%zz").status, 400U);
  EXPECT_EQ(call("GET", "/api/v1/clients?prefix=%").status, 400U);
  EXPECT_EQ(call("GET", "/api/v1/clients?limit=many").status, 400U);
  EXPECT_EQ(call("GET", "/api/v1/clients?online=maybe").status, 400U);
}

TEST_F(AdminApiTest, StatusReportsVersionUptimeConnectionsAndRates) {
  client c(h);
  c.connect("plant-1");
  const auto s = get_json("/api/v1/status");
  EXPECT_EQ(s.at("version"), "9.9.9");
  EXPECT_EQ(s.at("uptime"), 90);
  EXPECT_EQ(s.at("durability"), "memory");
  EXPECT_EQ(s.at("connections").at("current"), 1);
  EXPECT_EQ(s.at("sessions"), 1);
  EXPECT_TRUE(s.at("rates_1min").contains("messages_received"));
  EXPECT_TRUE(s.at("store").is_null());
}

TEST_F(AdminApiTest, ClientsAreListedSortedFilteredAndPaged) {
  client a(h);
  client b(h, protocol::protocol_version::v3_1_1);
  client c(h);
  a.connect("plant/7");
  b.connect("plant/3");
  c.connect("office", false, 3600);
  c.drop();

  auto all = get_json("/api/v1/clients");
  EXPECT_EQ(all.at("total"), 3);
  ASSERT_EQ(all.at("clients").size(), 3U);
  EXPECT_EQ(all.at("clients")[0].at("client_id"), "office");
  EXPECT_EQ(all.at("clients")[0].at("online"), false);
  EXPECT_FALSE(all.at("clients")[0].at("disconnected_at").is_null());
  EXPECT_EQ(all.at("clients")[1].at("client_id"), "plant/3");
  EXPECT_EQ(all.at("clients")[1].at("protocol"), "3.1.1");
  EXPECT_EQ(all.at("clients")[2].at("address"), "127.0.0.1:5555");

  auto online = get_json("/api/v1/clients?online=1&prefix=plant%2F");
  EXPECT_EQ(online.at("total"), 2);
  auto page = get_json("/api/v1/clients?online=true&limit=1&offset=1");
  EXPECT_EQ(page.at("total"), 2);
  ASSERT_EQ(page.at("clients").size(), 1U);
  EXPECT_EQ(page.at("clients")[0].at("client_id"), "plant/7");
  EXPECT_EQ(get_json("/api/v1/clients?offset=10").at("clients").size(), 0U);
}

TEST_F(AdminApiTest, OneClientIsShownWithItsSubscriptions) {
  client a(h);
  a.connect("plant/7");
  a.subscribe("cmd/plant/7/#", protocol::qos::exactly_once);
  const auto shown = get_json("/api/v1/clients/plant%2F7");
  EXPECT_EQ(shown.at("client_id"), "plant/7");
  EXPECT_EQ(shown.at("subscriptions"), 1);
  ASSERT_EQ(shown.at("subscription_list").size(), 1U);
  EXPECT_EQ(shown.at("subscription_list")[0].at("filter"), "cmd/plant/7/#");
  EXPECT_EQ(shown.at("subscription_list")[0].at("qos"), 2);
  EXPECT_EQ(get_json("/api/v1/clients/nobody", 404).at("error"), "no session for client 'nobody'");
}

TEST_F(AdminApiTest, KickingAClientClosesItsConnectionWithAdministrativeAction) {
  client a(h);
  a.connect("plant/7");
  const auto r = call("DELETE", "/api/v1/clients/plant%2F7");
  EXPECT_EQ(r.status, 200U) << r.body;
  EXPECT_EQ(a.expect<protocol::disconnect_packet>().reason,
            protocol::reason_code::administrative_action);
  EXPECT_TRUE(a.closed());
  a.drop();
  EXPECT_EQ(call("DELETE", "/api/v1/clients/plant%2F7").status, 404U);
}

TEST_F(AdminApiTest, SessionsShowQueueDepthAndCanBeDeleted) {
  client sub(h);
  sub.connect("logger", false, 3600);
  sub.subscribe("data/#", protocol::qos::at_least_once);
  sub.drop();
  client pub(h);
  pub.connect("sensor");
  pub.publish("data/1", "a", protocol::qos::at_least_once);
  pub.publish("data/2", "b", protocol::qos::at_least_once);

  auto list = get_json("/api/v1/sessions?online=0");
  ASSERT_EQ(list.at("sessions").size(), 1U);
  EXPECT_EQ(list.at("sessions")[0].at("client_id"), "logger");
  EXPECT_EQ(list.at("sessions")[0].at("queued"), 2);
  EXPECT_EQ(list.at("sessions")[0].at("session_expiry_interval"), 3600);

  EXPECT_EQ(call("DELETE", "/api/v1/sessions/logger").status, 200U);
  EXPECT_EQ(get_json("/api/v1/sessions?online=0").at("total"), 0);
  EXPECT_EQ(call("DELETE", "/api/v1/sessions/logger").status, 404U);
}

TEST_F(AdminApiTest, SubscriptionsAreFoundByClientFilterOrTopic) {
  client a(h);
  client b(h);
  a.connect("a");
  b.connect("b");
  a.subscribe("sensors/+/temp");
  a.subscribe("alerts/#");
  b.subscribe("$share/workers/sensors/#");

  EXPECT_EQ(get_json("/api/v1/subscriptions").at("total"), 3);
  EXPECT_EQ(get_json("/api/v1/subscriptions?client=a").at("total"), 2);
  const auto by_filter = get_json("/api/v1/subscriptions?filter=sensors/%2B/temp");
  ASSERT_EQ(by_filter.at("total"), 1);
  EXPECT_EQ(by_filter.at("subscriptions")[0].at("client_id"), "a");
  const auto by_topic = get_json("/api/v1/subscriptions?topic=sensors/7/temp");
  ASSERT_EQ(by_topic.at("total"), 2);
  EXPECT_EQ(by_topic.at("subscriptions")[1].at("filter"), "$share/workers/sensors/#");
  EXPECT_EQ(call("GET", "/api/v1/subscriptions?topic=a/%23").status, 400U);
}

TEST_F(AdminApiTest, RetainedMessagesAreListedShownAndDeletedByEncodedTopic) {
  client pub(h);
  pub.connect("p");
  pub.publish("plant/7/state", "on", protocol::qos::at_most_once, true);
  pub.publish("plant/8/state", std::string("\xff\x00\x01", 3), protocol::qos::at_most_once, true);
  pub.publish("other", "x", protocol::qos::at_most_once, true);

  const auto list = get_json("/api/v1/retained?filter=plant/%2B/state");
  ASSERT_EQ(list.at("total"), 2);
  EXPECT_EQ(list.at("messages")[0].at("topic"), "plant/7/state");
  EXPECT_EQ(list.at("messages")[0].at("payload"), "on");
  EXPECT_EQ(list.at("messages")[1].at("payload"), "/wAB");
  EXPECT_EQ(list.at("messages")[1].at("payload_encoding"), "base64");
  EXPECT_EQ(get_json("/api/v1/retained").at("total"), 3);

  EXPECT_EQ(get_json("/api/v1/retained/plant%2F7%2Fstate").at("payload"), "on");
  EXPECT_EQ(get_json("/api/v1/retained/plant/7/state").at("payload"), "on");
  EXPECT_EQ(call("DELETE", "/api/v1/retained/plant%2F7%2Fstate").status, 200U);
  EXPECT_EQ(call("GET", "/api/v1/retained/plant%2F7%2Fstate").status, 404U);
  EXPECT_EQ(call("DELETE", "/api/v1/retained/plant%2F7%2Fstate").status, 404U);
  EXPECT_EQ(call("GET", "/api/v1/retained?filter=a/%23/b").status, 400U);
  EXPECT_EQ(call("GET", "/api/v1/retained/a%2F%2B").status, 400U);
}

TEST_F(AdminApiTest, UsersNeedAPasswordFile) {
  EXPECT_EQ(call("GET", "/api/v1/users").status, 409U);
  EXPECT_EQ(call("POST", "/api/v1/users", R"({"username":"a","password":"b"})").status, 409U);
  EXPECT_EQ(call("GET", "/api/v1/acl").status, 404U);
}

TEST_F(AdminApiTest, UsersAreAddedChangedAndRemovedInTheFileAndTakeEffectAtOnce) {
  const auto passwords = write_password_file("alice", "first");
  auth::file_access_control access({passwords, std::nullopt, {}});
  make_api(&access, passwords);
  const core::connection_info remote{"10.0.0.1:1000", "mqtt://0.0.0.0:1883", false, ""};

  EXPECT_EQ(get_json("/api/v1/users").at("users"), (json{"alice"}));
  auto r = call("POST", "/api/v1/users", R"({"username":"bob","password":"s3cret"})");
  EXPECT_EQ(r.status, 201U) << r.body;
  EXPECT_EQ(auth::password_file::load(passwords).users(),
            (std::vector<std::string>{"alice", "bob"}));
  EXPECT_EQ(access.authenticate(remote, "c", std::string("bob"), std::string("s3cret")),
            std::nullopt);

  EXPECT_EQ(call("POST", "/api/v1/users", R"({"username":"bob","password":"x"})").status, 409U);
  EXPECT_EQ(call("POST", "/api/v1/users", R"({"username":"bob"})").status, 400U);
  EXPECT_EQ(call("POST", "/api/v1/users", "not json").status, 400U);
  EXPECT_EQ(call("POST", "/api/v1/users", R"({"username":"a:b","password":"x"})").status, 400U);

  r = call("PUT", "/api/v1/users/bob/password", R"({"password":"n3w"})");
  EXPECT_EQ(r.status, 200U) << r.body;
  EXPECT_NE(access.authenticate(remote, "c", std::string("bob"), std::string("s3cret")),
            std::nullopt);
  EXPECT_EQ(access.authenticate(remote, "c", std::string("bob"), std::string("n3w")), std::nullopt);
  EXPECT_EQ(call("PUT", "/api/v1/users/carol/password", R"({"password":"x"})").status, 404U);

  EXPECT_EQ(call("DELETE", "/api/v1/users/bob").status, 200U);
  EXPECT_NE(access.authenticate(remote, "c", std::string("bob"), std::string("n3w")), std::nullopt);
  EXPECT_EQ(call("DELETE", "/api/v1/users/bob").status, 404U);
}

TEST_F(AdminApiTest, TheAclFileIsShownAsText) {
  const auto acl = dir / "acl";
  std::ofstream(acl) << "user alice\ntopic readwrite plant/#\n";
  make_api(nullptr, std::nullopt, acl);
  const auto shown = get_json("/api/v1/acl");
  EXPECT_EQ(shown.at("text"), "user alice\ntopic readwrite plant/#\n");
  EXPECT_EQ(shown.at("path"), acl.string());
}

class AdminAclTest : public AdminApiTest {
 protected:
  static constexpr const char* original =
      "# site rules\n"
      "topic read public/#\n"
      "\n"
      "user alice\n"
      "topic readwrite plant/#\n";

  AdminAclTest() {
    std::ofstream(acl) << original;
    access.emplace(auth::file_access_control_options{std::nullopt, acl, {}});
    make_api(&*access, std::nullopt, acl);
  }

  std::string acl_text() const {
    std::ifstream in(acl);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // The error message of a request that must fail with this status.
  std::string error_of(const std::string& method, const std::string& target,
                       const std::string& body, unsigned status = 400) {
    const auto r = call(method, target, body);
    EXPECT_EQ(r.status, status) << method << " " << target << " " << body << ": " << r.body;
    return json::parse(r.body).at("error").get<std::string>();
  }

  std::filesystem::path acl = dir / "acl";
  std::optional<auth::file_access_control> access;
};

TEST_F(AdminAclTest, ARuleAddedAppliesAtOnceAndRemovingItRestoresTheFile) {
  const core::client_identity alice{"sensor-1", "alice"};
  ASSERT_TRUE(access->allowed(alice, "plant/7/temp", core::access::write));

  auto r = call("POST", "/api/v1/acl/rules",
                R"({"scope":"user","user":"alice","access":"deny","filter":"plant/7/#"})");
  ASSERT_EQ(r.status, 201U) << r.body;
  EXPECT_EQ(
      json::parse(r.body),
      (json{{"rule",
             {{"scope", "user"}, {"user", "alice"}, {"access", "deny"}, {"filter", "plant/7/#"}}},
            {"added", true}}));
  EXPECT_EQ(acl_text(), std::string(original) + "topic deny plant/7/#\n");
  EXPECT_FALSE(access->allowed(alice, "plant/7/temp", core::access::write));
  EXPECT_FALSE(access->allowed(alice, "plant/7/#", core::access::read));
  EXPECT_TRUE(access->allowed(alice, "plant/8/temp", core::access::write));

  EXPECT_EQ(
      error_of("POST", "/api/v1/acl/rules",
               R"({"scope":"user","user":"alice","access":"deny","filter":"plant/7/#"})", 409),
      "the rule user 'alice' deny plant/7/# exists (line 6)");

  const auto shown = get_json("/api/v1/acl");
  EXPECT_EQ(shown.at("text"), acl_text());
  EXPECT_EQ(shown.at("rules"),
            (json{{{"scope", "anonymous"}, {"access", "read"}, {"filter", "public/#"}, {"line", 2}},
                  {{"scope", "user"},
                   {"user", "alice"},
                   {"access", "readwrite"},
                   {"filter", "plant/#"},
                   {"line", 5}},
                  {{"scope", "user"},
                   {"user", "alice"},
                   {"access", "deny"},
                   {"filter", "plant/7/#"},
                   {"line", 6}}}));

  r = call("DELETE", "/api/v1/acl/rules?scope=user&user=alice&access=deny&filter=plant%2F7%2F%23");
  ASSERT_EQ(r.status, 200U) << r.body;
  EXPECT_EQ(json::parse(r.body).at("removed"), 1);
  EXPECT_EQ(acl_text(), original);
  EXPECT_TRUE(access->allowed(alice, "plant/7/temp", core::access::write));
  EXPECT_EQ(
      error_of("DELETE", "/api/v1/acl/rules?scope=user&user=alice&access=deny&filter=plant/7/%23",
               "", 404),
      "no rule user 'alice' deny plant/7/#");
}

TEST_F(AdminAclTest, AnonymousRulesAndPatternsAreEditedToo) {
  const core::client_identity anonymous{"anon-1", ""};
  const core::client_identity device{"dev-9", "alice"};
  EXPECT_TRUE(access->allowed(anonymous, "public/secret", core::access::read));
  ASSERT_EQ(call("POST", "/api/v1/acl/rules",
                 R"({"scope":"anonymous","access":"deny","filter":"public/secret"})")
                .status,
            201U);
  EXPECT_FALSE(access->allowed(anonymous, "public/secret", core::access::read));
  EXPECT_TRUE(access->allowed(anonymous, "public/news", core::access::read));

  EXPECT_FALSE(access->allowed(device, "devices/dev-9/commands", core::access::read));
  ASSERT_EQ(call("POST", "/api/v1/acl/rules",
                 R"({"scope":"pattern","access":"read","filter":"devices/%c/+"})")
                .status,
            201U);
  EXPECT_TRUE(access->allowed(device, "devices/dev-9/commands", core::access::read));
  EXPECT_FALSE(access->allowed(device, "devices/dev-8/commands", core::access::read));
  EXPECT_EQ(acl_text(),
            "# site rules\n"
            "topic read public/#\n"
            "topic deny public/secret\n"
            "\n"
            "user alice\n"
            "topic readwrite plant/#\n"
            "\n"
            "pattern read devices/%c/+\n");

  // In a query '+' is the wildcard, not a space.
  EXPECT_EQ(
      call("DELETE", "/api/v1/acl/rules?scope=pattern&access=read&filter=devices/%25c/+").status,
      200U);
  EXPECT_EQ(
      call("DELETE", "/api/v1/acl/rules?scope=anonymous&access=deny&filter=public%2Fsecret").status,
      200U);
  EXPECT_EQ(acl_text(), original);
  EXPECT_FALSE(access->allowed(device, "devices/dev-9/commands", core::access::read));
}

TEST_F(AdminAclTest, BadRulesAreRefusedWith400AndTheFileIsLeftAlone) {
  const std::string rules = "/api/v1/acl/rules";
  EXPECT_EQ(error_of("POST", rules, "not json"), "the body must be a JSON object");
  EXPECT_EQ(error_of("POST", rules, "{}"), "\"scope\" must be user, anonymous or pattern");
  EXPECT_EQ(error_of("POST", rules, R"({"scope":"everyone","access":"read","filter":"a"})"),
            "\"scope\" must be user, anonymous or pattern");
  EXPECT_EQ(error_of("POST", rules, R"({"scope":"user","access":"read","filter":"a"})"),
            "scope user needs a non-empty \"user\"");
  EXPECT_EQ(error_of("POST", rules, R"({"scope":"user","user":"","access":"read","filter":"a"})"),
            "scope user needs a non-empty \"user\"");
  EXPECT_EQ(
      error_of("POST", rules, R"({"scope":"user","user":"alice","access":"all","filter":"a"})"),
      "\"access\" must be read, write, readwrite or deny");
  EXPECT_EQ(error_of("POST", rules, R"({"scope":"user","user":"alice","access":"read"})"),
            "the rule needs a non-empty \"filter\"");
  EXPECT_EQ(
      error_of("POST", rules, R"({"scope":"user","user":"alice","access":"read","filter":7})"),
      "the rule needs a non-empty \"filter\"");
  EXPECT_TRUE(
      error_of("POST", rules, R"({"scope":"user","user":"alice","access":"read","filter":"a/#/b"})")
          .starts_with("invalid topic filter: "));
  EXPECT_TRUE(error_of("POST", rules, R"({"scope":"anonymous","access":"read","filter":"a+"})")
                  .starts_with("invalid topic filter: "));
  EXPECT_EQ(error_of("POST", rules, R"({"scope":"pattern","access":"read","filter":"dev-%c"})"),
            "'dev-%c': %c and %u must be a whole topic level, as in devices/%c/#");
  EXPECT_EQ(error_of("POST", rules,
                     R"({"scope":"user","user":"alice\ntopic #","access":"read","filter":"a"})"),
            "the user name contains a control character");
  EXPECT_EQ(
      error_of("POST", rules, R"({"scope":"user","user":"alice","access":"read","filter":"a\n#"})"),
      "the topic filter contains a control character");
  EXPECT_EQ(error_of("POST", rules,
                     R"({"scope":"anonymous","user":"alice","access":"read","filter":"a"})"),
            "a user name goes with scope user only, not anonymous");
  EXPECT_EQ(error_of("DELETE", rules, ""), "\"scope\" must be user, anonymous or pattern");
  EXPECT_TRUE(error_of("DELETE", rules + "?scope=anonymous&access=read&filter=a%2F%23%2Fb", "")
                  .starts_with("invalid topic filter: "));
  EXPECT_EQ(error_of("DELETE", rules + "?scope=anonymous&access=read&filter=", ""),
            "the rule needs a non-empty \"filter\"");

  const auto r = call("GET", rules);
  EXPECT_EQ(r.status, 405U);
  EXPECT_EQ(r.allow, "POST, DELETE");
  EXPECT_EQ(acl_text(), original);
}

TEST_F(AdminAclTest, ABrokenFileIsShownWithItsProblemAndNotEdited) {
  std::ofstream(acl) << "user alice\ntopic\n";
  const auto shown = get_json("/api/v1/acl");
  EXPECT_EQ(shown.at("text"), "user alice\ntopic\n");
  EXPECT_TRUE(shown.at("rules").is_null());
  EXPECT_EQ(shown.at("problem"), "line 2: 'topic' needs a topic filter");
  EXPECT_EQ(error_of("POST", "/api/v1/acl/rules",
                     R"({"scope":"anonymous","access":"read","filter":"a"})", 409),
            "the file has an error, correct it by hand first: " + acl.string() +
                ":2: 'topic' needs a topic filter");
  EXPECT_EQ(acl_text(), "user alice\ntopic\n");

  std::filesystem::remove(acl);
  EXPECT_EQ(error_of("POST", "/api/v1/acl/rules",
                     R"({"scope":"anonymous","access":"read","filter":"a"})", 500),
            "cannot read ACL file '" + acl.string() + "': No such file or directory");
}

TEST_F(AdminApiTest, AclRulesNeedAnAclFile) {
  const std::string body = R"({"scope":"anonymous","access":"read","filter":"a"})";
  const std::string without =
      "the broker has no ACL file: set acl_file in the [auth] table of the configuration and "
      "restart the broker";
  EXPECT_EQ(json::parse(call("POST", "/api/v1/acl/rules", body).body).at("error"), without);
  const auto r = call("DELETE", "/api/v1/acl/rules?scope=anonymous&access=read&filter=a");
  EXPECT_EQ(r.status, 409U);
  EXPECT_EQ(json::parse(r.body).at("error"), without);
  EXPECT_FALSE(std::filesystem::exists(dir / "acl"));
}

TEST_F(AdminApiTest, ReloadCallsTheServerAndReportsProblems) {
  EXPECT_EQ(call("POST", "/api/v1/reload").status, 200U);
  reload_problems = {"telemq.toml:3: log_level: 'loud' is not one of trace, debug"};
  const auto r = call("POST", "/api/v1/reload");
  EXPECT_EQ(r.status, 500U);
  EXPECT_EQ(json::parse(r.body).at("problems").size(), 1U);
  EXPECT_EQ(reloads, 2);
  EXPECT_EQ(call("GET", "/api/v1/reload").status, 405U);
}

TEST_F(AdminApiTest, BusiestTopicsComeFromTheTap) {
  client pub(h);
  pub.connect("p");
  for (int i = 0; i < 20; ++i) {
    pub.publish("busy", "x");
  }
  pub.publish("quiet", "x");
  measures.tick(telemetry::clock::time_point{} + std::chrono::seconds(1));
  const auto top = get_json("/api/v1/topics/top?limit=1");
  EXPECT_EQ(top.at("enabled"), true);
  EXPECT_EQ(top.at("followed"), 2);
  ASSERT_EQ(top.at("topics").size(), 1U);
  EXPECT_EQ(top.at("topics")[0].at("topic"), "busy");
}

}  // namespace
}  // namespace telemq::admin
