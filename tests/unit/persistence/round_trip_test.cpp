// Every call and state transition survives close and reopen, checked against the reference
// store that applies each call in order.
#include <gtest/gtest.h>

#include "persistence/sqlite_store.hpp"
#include "test_support.hpp"

namespace telemq::persistence {
namespace {

using namespace testing;

class RoundTrip : public ::testing::Test {
 protected:
  // Each call goes to the SQLite store and to the reference.
  template <class F>
  void apply(F&& call) {
    call(*store_);
    call(model_);
  }

  // Closes and reopens the SQLite store; its snapshot must equal the reference's, and the file
  // must hold no message the reference has deleted.
  void reopen_and_compare() {
    store_.reset();
    EXPECT_EQ(message_ids_in_file(dir_.db()), model_.message_ids());
    store_ = std::make_unique<sqlite_store>(options_for(dir_.db(), loop_));
    EXPECT_EQ(dump(store_->load()), dump(model_.load()));
  }

  void SetUp() override {
    store_ = std::make_unique<sqlite_store>(options_for(dir_.db(), loop_));
    store_->load();
  }

  temp_dir dir_;
  broker_loop loop_;
  std::unique_ptr<sqlite_store> store_;
  model_store model_;
};

core::stored_session session_with_will() {
  auto props = std::make_shared<protocol::properties>();
  props->message_expiry_interval = 120;
  props->content_type = "text/plain";
  props->response_topic = "r/1";
  props->correlation_data = std::string("\0\1\2", 3);
  props->payload_format_indicator = 1;
  props->user_properties = {{"k", "v"}, {"k", "w"}};
  core::message will;
  will.topic = "clients/c1/status";
  will.payload = std::string("off\0line", 8);
  will.qos_level = protocol::qos::exactly_once;
  will.retain = true;
  will.props = props;
  will.expires_at = t0 + 1h;

  core::stored_session s;
  s.client_id = "c1";
  s.version = protocol::protocol_version::v5;
  s.expiry_interval = 3600;
  s.will = core::stored_will{std::make_shared<const core::message>(std::move(will)), 30};
  s.disconnected_at = t0 - 10s;
  s.username = "alice";
  return s;
}

TEST_F(RoundTrip, SessionsWithAndWithoutWillsSurviveReopen) {
  core::stored_session plain;
  plain.client_id = "c2";
  plain.version = protocol::protocol_version::v3_1_1;
  plain.expiry_interval = 0xFFFFFFFF;
  apply([&](core::store& s) {
    s.save_session(session_with_will());
    s.save_session(plain);
  });
  reopen_and_compare();

  // Reconnecting clears disconnected_at and may drop the will.
  auto back = session_with_will();
  back.disconnected_at.reset();
  back.will.reset();
  apply([&](core::store& s) { s.save_session(back); });
  reopen_and_compare();
}

TEST_F(RoundTrip, SubscriptionsKeepEveryOption) {
  apply([](core::store& s) {
    for (std::uint8_t rh = 0; rh <= 2; ++rh) {
      for (int q = 0; q <= 2; ++q) {
        core::stored_subscription sub;
        sub.client_id = "c1";
        sub.filter = "sensors/" + std::to_string(rh) + "/" + std::to_string(q) + "/#";
        sub.options.max_qos = static_cast<protocol::qos>(q);
        sub.options.no_local = (q % 2) == 0;
        sub.options.retain_as_published = rh == 1;
        sub.options.retain_handling = rh;
        sub.identifier = rh * 10U + static_cast<std::uint32_t>(q);
        s.save_subscription(sub);
      }
    }
    s.save_subscription({"c2", "$share/group/a/+", {protocol::qos::at_least_once}, 268'435'455});
  });
  reopen_and_compare();
  apply([](core::store& s) {
    s.delete_subscription("c1", "sensors/0/0/#");
    s.save_subscription({"c2", "$share/group/a/+", {protocol::qos::exactly_once}, 0});
  });
  reopen_and_compare();
}

TEST_F(RoundTrip, MessageSharedByDeliveriesIsStoredOnce) {
  auto props = std::make_shared<protocol::properties>();
  props->content_type = "application/cbor";
  props->user_properties = {{"site", "north"}};
  core::message m;
  m.id = 42;
  m.topic = "température/°C";
  m.payload = std::string("\xFF\x00\xFE", 3);
  m.qos_level = protocol::qos::exactly_once;
  m.retain = true;
  m.props = props;
  m.expires_at = t0 + 5min;
  const auto msg = std::make_shared<const core::message>(std::move(m));

  apply([&](core::store& s) {
    s.save_message(msg);
    for (const char* client : {"a", "b", "c"}) {
      auto d = make_delivery(client, 42, 7);
      d.qos_level = protocol::qos::at_least_once;
      d.retain = true;
      d.subscription_identifiers = {3, 300000};
      s.save_delivery(d);
    }
  });
  reopen_and_compare();
  EXPECT_EQ(count_rows(dir_.db(), "messages"), 1);
  EXPECT_EQ(count_rows(dir_.db(), "deliveries"), 3);
}

TEST_F(RoundTrip, DeliveryStatesQueuedPublishSentPubrelSentThenDeleted) {
  auto d = make_delivery("sub", 1, 1);
  d.qos_level = protocol::qos::exactly_once;
  apply([&](core::store& s) {
    s.save_message(make_message(1, "t", "payload", protocol::qos::exactly_once));
    s.save_delivery(d);
  });
  reopen_and_compare();

  d.state = core::delivery_state::publish_sent;
  d.packet_id = 65535;
  apply([&](core::store& s) { s.save_delivery(d); });
  reopen_and_compare();

  d.state = core::delivery_state::pubrel_sent;
  apply([&](core::store& s) { s.save_delivery(d); });
  reopen_and_compare();

  apply([&](core::store& s) { s.delete_delivery("sub", 1); });
  reopen_and_compare();
  EXPECT_EQ(count_rows(dir_.db(), "deliveries"), 0);
}

TEST_F(RoundTrip, MessageIsDeletedWithItsLastDelivery) {
  apply([](core::store& s) {
    s.save_message(make_message(1, "t", "x"));
    s.save_delivery(make_delivery("a", 1, 1));
    s.save_delivery(make_delivery("b", 1, 1));
  });
  reopen_and_compare();
  apply([](core::store& s) { s.delete_delivery("a", 1); });
  reopen_and_compare();
  EXPECT_EQ(count_rows(dir_.db(), "messages"), 1);
  apply([](core::store& s) { s.delete_delivery("b", 1); });
  reopen_and_compare();
  EXPECT_EQ(count_rows(dir_.db(), "messages"), 0);
}

TEST_F(RoundTrip, IncomingQos2IdsAreKeptUntilReleased) {
  apply([](core::store& s) {
    s.save_incoming_qos2("pub", 1);
    s.save_incoming_qos2("pub", 65535);
    s.save_incoming_qos2("other", 1);
  });
  reopen_and_compare();
  apply([](core::store& s) { s.delete_incoming_qos2("pub", 1); });
  reopen_and_compare();
}

TEST_F(RoundTrip, RetainedIsSetReplacedAndDeleted) {
  auto props = std::make_shared<protocol::properties>();
  props->payload_format_indicator = 1;
  core::message r;
  r.topic = "status/door";
  r.payload = "open";
  r.qos_level = protocol::qos::at_least_once;
  r.retain = true;
  r.props = props;
  r.expires_at = t0 + 1h;
  apply([&](core::store& s) {
    s.save_retained(std::make_shared<const core::message>(r));
    s.save_retained(make_retained("status/window", "closed"));
  });
  reopen_and_compare();
  r.payload = "closed";
  r.props = nullptr;
  r.expires_at.reset();
  apply([&](core::store& s) {
    s.save_retained(std::make_shared<const core::message>(r));
    s.delete_retained("status/window");
  });
  reopen_and_compare();
  EXPECT_EQ(count_rows(dir_.db(), "retained"), 1);
}

TEST_F(RoundTrip, DeleteSessionCascadesToEverythingOfTheClient) {
  apply([](core::store& s) {
    for (const char* client : {"gone", "stays"}) {
      core::stored_session session;
      session.client_id = client;
      s.save_session(session);
      s.save_subscription({client, "a/#", {}, 0});
      s.save_incoming_qos2(client, 5);
    }
    s.save_message(make_message(1, "only/gone", "x"));
    s.save_delivery(make_delivery("gone", 1, 1));
    s.save_message(make_message(2, "shared", "y"));
    s.save_delivery(make_delivery("gone", 2, 2));
    s.save_delivery(make_delivery("stays", 2, 1));
  });
  reopen_and_compare();
  apply([](core::store& s) { s.delete_session("gone"); });
  reopen_and_compare();
  EXPECT_EQ(count_rows(dir_.db(), "messages"), 1);  // message 1 went with its only delivery
  EXPECT_EQ(count_rows(dir_.db(), "subscriptions"), 1);
  EXPECT_EQ(count_rows(dir_.db(), "incoming_qos2"), 1);
  EXPECT_EQ(count_rows(dir_.db(), "deliveries"), 1);
}

TEST_F(RoundTrip, LoadIsOnceAtStartUp) {
  EXPECT_THROW(store_->load(), std::logic_error);
}

}  // namespace
}  // namespace telemq::persistence
