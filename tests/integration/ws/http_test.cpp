// The HTTP side of a ws:// listener against the real daemon: event streams (retained first,
// live after, resume, reset, lifetime, slow clients), long polling, publishing, authentication.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>

#include "ws_fixture.hpp"

namespace telemq::integration::ws {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class HttpEvents : public ws_broker_test {
 protected:
  std::unique_ptr<test_client> publisher() {
    auto client = std::make_unique<test_client>(uri(), "http-test-publisher", protocol::v5);
    client->connect();
    return client;
  }
};

TEST_F(HttpEvents, RetainedFirstThenLiveMarkerThenLiveMessages) {
  auto pub = publisher();
  pub->publish("home/door", "closed", 1, true);
  sse_client stream(ws_port(), "topic=home/%23");
  ASSERT_EQ(stream.status(), 200);
  ASSERT_TRUE(stream.wait_for_events(2));
  pub->publish("home/light", "on", 0);
  ASSERT_TRUE(stream.wait_for_events(3));
  const auto events = stream.events();
  EXPECT_FALSE(events[0].id);
  EXPECT_TRUE(contains(events[0].data, "\"payload\":\"closed\""));
  EXPECT_TRUE(contains(events[0].data, "\"retain\":true"));
  EXPECT_EQ(events[1].type, "live");
  EXPECT_EQ(events[2].type, "message");
  EXPECT_TRUE(contains(events[2].data, "\"topic\":\"home/light\""));
  EXPECT_GT(std::stoull(*events[2].id), std::stoull(*events[1].id));
}

TEST_F(HttpEvents, ResumeWithLastEventIdGetsExactlyWhatWasMissed) {
  auto pub = publisher();
  std::string last_seen;
  {
    sse_client stream(ws_port(), "topic=seq");
    ASSERT_TRUE(stream.wait_for_events(1));  // the live marker
    pub->publish("seq", "1", 1);
    pub->publish("seq", "2", 1);
    ASSERT_TRUE(stream.wait_for_events(3));
    last_seen = *stream.events()[1].id;  // saw "1" only, as if cut before "2"
  }
  pub->publish("seq", "3", 1);
  sse_client resumed(ws_port(), "topic=seq", {"Last-Event-ID: " + last_seen});
  ASSERT_TRUE(resumed.wait_for_events(2));
  pub->publish("seq", "4", 1);
  ASSERT_TRUE(resumed.wait_for_events(3));
  const auto events = resumed.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_TRUE(contains(events[0].data, "\"payload\":\"2\""));
  EXPECT_TRUE(contains(events[1].data, "\"payload\":\"3\""));
  EXPECT_TRUE(contains(events[2].data, "\"payload\":\"4\""));
}

TEST_F(HttpEvents, PollFirstAnswersRetainedThenWaitsForTheNextMessage) {
  auto pub = publisher();
  pub->publish("poll/a", "r", 1, true);
  const auto first = http_call(ws_port(), "GET", "/poll?topic=poll/%23");
  ASSERT_EQ(first.status, 200);
  EXPECT_TRUE(contains(first.body, "\"payload\":\"r\""));
  const auto key = std::string("\"last_id\":");
  const auto at = first.body.find(key) + key.size();
  const auto last_id = first.body.substr(at, first.body.find(',', at) - at);
  auto waiting = std::async(std::launch::async, [&] {
    return http_call(ws_port(), "GET", "/poll?topic=poll/%23&after=" + last_id);
  });
  pub->publish("poll/b", "next", 1);
  const auto second = waiting.get();
  EXPECT_EQ(second.status, 200);
  EXPECT_TRUE(contains(second.body, "\"payload\":\"next\"")) << second.body;
  EXPECT_FALSE(contains(second.body, "\"payload\":\"r\""));
}

TEST_F(HttpEvents, PublishReachesMqttSubscribersAndBadRequestsSayWhy) {
  test_client subscriber(uri(), "http-sub", protocol::v5);
  subscriber.connect();
  subscriber.subscribe("from/http", 1);
  const auto ok = http_call(ws_port(), "POST", "/publish?topic=from/http&qos=1", "hello");
  EXPECT_EQ(ok.status, 200);
  ASSERT_TRUE(subscriber.messages().wait_for_payload("hello"));
  EXPECT_EQ(subscriber.messages().snapshot()[0]->get_qos(), 1);
  const auto bad_qos = http_call(ws_port(), "POST", "/publish?topic=from/http&qos=7", "x");
  EXPECT_EQ(bad_qos.status, 400);
  EXPECT_TRUE(contains(bad_qos.body, "qos must be 0, 1 or 2"));
  const auto no_topic = http_call(ws_port(), "POST", "/publish", "x");
  EXPECT_EQ(no_topic.status, 400);
}

TEST_F(HttpEvents, ConsoleAndStatsAreServed) {
  const auto page = http_call(ws_port(), "GET", "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "telemq"));
  const auto stats = http_call(ws_port(), "GET", "/stats");
  EXPECT_EQ(stats.status, 200);
  EXPECT_TRUE(contains(stats.body, "\"connections\":"));
}

class HttpSmallRing : public HttpEvents {
 protected:
  std::string ws_options() const override { return "replay_size=3&poll_timeout=1s"; }
};

TEST_F(HttpSmallRing, GapOlderThanTheRingIsAnnouncedWithReset) {
  auto pub = publisher();
  std::string first_id;
  {
    sse_client stream(ws_port(), "topic=t");
    pub->publish("t", "0", 1);
    ASSERT_TRUE(stream.wait_for_events(2));
    first_id = *stream.events()[1].id;
  }
  for (int i = 1; i <= 5; ++i) {
    pub->publish("t", std::to_string(i), 1);
  }
  sse_client resumed(ws_port(), "topic=t", {"Last-Event-ID: " + first_id});
  ASSERT_TRUE(resumed.wait_for_events(2));
  const auto events = resumed.events();
  EXPECT_EQ(events[0].type, "reset");
  EXPECT_TRUE(contains(events[0].data, "\"last_event_id\":" + first_id));
  EXPECT_EQ(events[1].type, "live");
}

TEST_F(HttpSmallRing, PollWithNothingNewAnswersEmptyAtItsTimeout) {
  const auto first = http_call(ws_port(), "GET", "/poll?topic=quiet");
  const auto key = std::string("\"last_id\":");
  const auto at = first.body.find(key) + key.size();
  const auto last_id = first.body.substr(at, first.body.find(',', at) - at);
  const auto reply = http_call(ws_port(), "GET", "/poll?topic=quiet&after=" + last_id);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "{\"events\":[],\"last_id\":" + last_id + ",\"reset\":false}");
}

class HttpStreamLifetime : public HttpEvents {
 protected:
  std::string ws_options() const override { return "sse_max_duration=1s"; }
};

TEST_F(HttpStreamLifetime, StreamEndsAtItsMaximumDurationAndResumes) {
  auto pub = publisher();
  sse_client stream(ws_port(), "topic=life");
  ASSERT_TRUE(stream.wait_for_events(1));
  pub->publish("life", "before the end", 1);
  ASSERT_TRUE(stream.connection().read_to_end());
  const auto events = stream.events();
  ASSERT_EQ(events.size(), 2u);
  sse_client resumed(ws_port(), "topic=life", {"Last-Event-ID: " + *events[1].id});
  pub->publish("life", "after", 1);
  ASSERT_TRUE(resumed.wait_for_events(1));
  EXPECT_TRUE(contains(resumed.events()[0].data, "\"payload\":\"after\""));
}

class HttpSlowClient : public HttpEvents {
 protected:
  std::string ws_options() const override { return "replay_size=50&sse_chunk=4096"; }
};

TEST_F(HttpSlowClient, StreamThatFallsBehindTheRingIsDroppedAndOthersAreServed) {
  sse_client slow(ws_port(), "topic=flood");
  slow.connection().set_receive_buffer(4096);
  ASSERT_TRUE(slow.wait_for_events(1));
  auto pub = publisher();
  // Far more than the socket buffers hold, so the stream's write stalls while the ring moves on.
  pub->publish_all(numbered_messages("flood", std::string(16 * 1024, 'x'), 1000, 0));
  pub->publish("flood", "sentinel", 1);
  EXPECT_TRUE(slow.connection().read_to_end(60s));
  EXPECT_TRUE(contains(broker().log_text(), "event=event_stream_dropped"));
  sse_client fresh(ws_port(), "topic=flood");
  EXPECT_TRUE(fresh.wait_for_events(1));
}

// A listener that refuses anonymous clients: HTTP Basic with the broker's users.
class HttpAuth : public HttpEvents {
 protected:
  void SetUp() override {
    if (!binary_supports("--password-file")) {
      GTEST_SKIP() << "this telemq has no --password-file option: nothing to authenticate against";
    }
    const auto directory = make_temp_dir("telemq-it-ws-passwd");
    password_file_ = directory / "passwd";
    acl_file_ = directory / "acl";
    std::ofstream(password_file_).close();
    std::ofstream(acl_file_) << "user alice\ntopic read public/#\ntopic write public/#\n";
    const auto command = "mosquitto_passwd -b " + password_file_.string() + " alice secret";
    ASSERT_EQ(std::system(command.c_str()), 0);
    HttpEvents::SetUp();
  }
  std::vector<std::string> broker_args() const override {
    auto args = ws_broker_test::broker_args();
    args.insert(args.end(), {"--password-file", password_file_.string(), "--acl-file",
                             acl_file_.string(), "--allow-anonymous", "false"});
    return args;
  }

  static bool binary_supports(const std::string& option) {
    const char* binary = std::getenv("TELEMQ_BINARY");
    if (binary == nullptr || *binary == '\0') {
      binary = TELEMQ_DEFAULT_BINARY;
    }
    std::string help;
    if (FILE* out = ::popen((std::string(binary) + " --help 2>&1").c_str(), "r")) {
      char chunk[4096];
      while (const auto n = std::fread(chunk, 1, sizeof chunk, out)) {
        help.append(chunk, n);
      }
      ::pclose(out);
    }
    return contains(help, option);
  }

  std::filesystem::path password_file_;
  std::filesystem::path acl_file_;
};

TEST_F(HttpAuth, MissingOrWrongCredentialsAre401AndGoodOnesWork) {
  const auto anonymous = http_call(ws_port(), "GET", "/stats");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_TRUE(contains(anonymous.headers.at("www-authenticate"), "Basic"));
  const auto wrong =
      http_call(ws_port(), "GET", "/stats", {}, {"Authorization: Basic YWxpY2U6d3Jvbmc="});
  EXPECT_EQ(wrong.status, 401);
  const auto good =
      http_call(ws_port(), "GET", "/stats", {}, {"Authorization: Basic YWxpY2U6c2VjcmV0"});
  EXPECT_EQ(good.status, 200);
}

TEST_F(HttpAuth, FiltersAndTopicsOutsideTheUsersAclAre403) {
  const std::string alice = "Authorization: Basic YWxpY2U6c2VjcmV0";
  const auto denied = http_call(ws_port(), "GET", "/events?topic=secret/%23", {}, {alice});
  EXPECT_EQ(denied.status, 403);
  EXPECT_TRUE(contains(denied.body, "'secret/#'")) << denied.body;
  sse_client allowed(ws_port(), "topic=public/%23", {alice});
  EXPECT_EQ(allowed.status(), 200);
  const auto write_denied = http_call(ws_port(), "POST", "/publish?topic=secret/x", "1", {alice});
  EXPECT_EQ(write_denied.status, 403);
  const auto written = http_call(ws_port(), "POST", "/publish?topic=public/x", "1", {alice});
  EXPECT_EQ(written.status, 200);
  ASSERT_TRUE(allowed.wait_for_events(2));
  EXPECT_TRUE(contains(allowed.events()[1].data, "\"topic\":\"public/x\""));
}

}  // namespace
}  // namespace telemq::integration::ws
