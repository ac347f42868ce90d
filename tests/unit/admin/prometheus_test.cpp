#include <gtest/gtest.h>

#include <limits>

#include "broker/admin/metrics.hpp"
#include "broker/admin/prometheus_writer.hpp"
#include "exposition_check.hpp"

namespace telemq::admin {
namespace {

TEST(PrometheusWriter, WritesHelpTypeAndSamples) {
  prometheus_writer out;
  out.family("telemq_messages_sent_total", "counter", "PUBLISH packets sent.");
  out.sample("telemq_messages_sent_total", std::uint64_t{7}, {{"qos", "1"}});
  out.gauge("telemq_connections", "Connected clients.", 3);
  EXPECT_EQ(out.text(),
            "# HELP telemq_messages_sent_total PUBLISH packets sent.\n"
            "# TYPE telemq_messages_sent_total counter\n"
            "telemq_messages_sent_total{qos=\"1\"} 7\n"
            "# HELP telemq_connections Connected clients.\n"
            "# TYPE telemq_connections gauge\n"
            "telemq_connections 3\n");
}

TEST(PrometheusWriter, EscapesLabelValuesAndHelpText) {
  prometheus_writer out;
  out.family("m", "gauge", "a \\ b\nc \"d\"");
  out.sample("m", 1.5, {{"listener", "x\"y\\z\nw"}, {"b", "2"}});
  EXPECT_EQ(out.text(),
            "# HELP m a \\\\ b\\nc \"d\"\n"
            "# TYPE m gauge\n"
            "m{listener=\"x\\\"y\\\\z\\nw\",b=\"2\"} 1.5\n");
}

TEST(PrometheusWriter, WritesSpecialFloatValues) {
  prometheus_writer out;
  out.sample("a", std::numeric_limits<double>::infinity());
  out.sample("b", std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(out.text(), "a +Inf\nb NaN\n");
}

TEST(ExpositionCheck, TellsSamplesFromOtherLines) {
  using testing::sample_name;
  EXPECT_EQ(sample_name("a_b:c 1"), "a_b:c");
  EXPECT_EQ(sample_name("m{a=\"x\\\"y\",b=\"\"} 1.5e-07"), "m");
  EXPECT_EQ(sample_name("m +Inf"), "m");
  EXPECT_EQ(sample_name("m"), "");
  EXPECT_EQ(sample_name("m 1x"), "");
  EXPECT_EQ(sample_name("1m 1"), "");
  EXPECT_EQ(sample_name("m{a=x} 1"), "");
  EXPECT_EQ(sample_name("m{a=\"x\" 1"), "");
}

TEST(Metrics, RenderAValidExpositionWithAndWithoutAStore) {
  broker_figures figures;
  figures.stats.connections_current = 2;
  figures.stats.messages_received_by_qos[1] = 5;
  figures.stats.publish_bytes_sent_by_qos[2] = 640;
  figures.stats.publishes_dropped_queue_full = 3;
  figures.uptime = std::chrono::seconds(42);
  const std::map<std::string, std::uint64_t> listeners = {{"mqtt://127.0.0.1:1883", 2},
                                                          {"ws://0.0.0.0:8080/mqtt", 0}};
  const auto without_store = render_metrics(figures, listeners);
  testing::expect_valid_exposition(without_store);
  EXPECT_NE(without_store.find("telemq_connections 2\n"), std::string::npos);
  EXPECT_NE(without_store.find("telemq_messages_received_total{qos=\"1\"} 5\n"), std::string::npos);
  EXPECT_NE(without_store.find("telemq_publish_bytes_sent_total{qos=\"2\"} 640\n"),
            std::string::npos);
  EXPECT_NE(without_store.find("telemq_messages_dropped_total{reason=\"queue_full\"} 3\n"),
            std::string::npos);
  EXPECT_NE(
      without_store.find("telemq_listener_connections{listener=\"mqtt://127.0.0.1:1883\"} 2\n"),
      std::string::npos);
  EXPECT_EQ(without_store.find("telemq_store_"), std::string::npos);

  figures.store = store_figures{4096, {}};
  figures.store->stats.batches = 10;
  figures.store->stats.commit_latency_us = {{100, 250}, {6, 9}, 10, 25'000};
  figures.store->stats.batch_operations = {{1, 2}, {4, 10}, 10, 16};
  const auto with_store = render_metrics(figures, listeners);
  testing::expect_valid_exposition(with_store);
  EXPECT_NE(with_store.find("telemq_store_size_bytes 4096\n"), std::string::npos);
  EXPECT_NE(with_store.find("telemq_store_commit_seconds_count 10\n"), std::string::npos);
  EXPECT_NE(with_store.find("telemq_store_commit_seconds_sum 0.025\n"), std::string::npos);
  EXPECT_NE(with_store.find("# TYPE telemq_store_commit_seconds histogram\n"
                            "telemq_store_commit_seconds_bucket{le=\"0.0001\"} 6\n"
                            "telemq_store_commit_seconds_bucket{le=\"0.00025\"} 9\n"
                            "telemq_store_commit_seconds_bucket{le=\"+Inf\"} 10\n"),
            std::string::npos)
      << with_store;
  EXPECT_NE(with_store.find("telemq_store_batch_operations_bucket{le=\"2\"} 10\n"),
            std::string::npos);
  EXPECT_NE(with_store.find("telemq_store_batch_operations_sum 16\n"), std::string::npos);
}

TEST(Metrics, ListenersShowOpenConnectionsAndRefusalsByReason) {
  broker_figures figures;
  net::listener_counters tls("mqtts://0.0.0.0:8883");
  tls.open = 7;
  tls.accepted = 9;
  tls.refused[static_cast<std::size_t>(net::refusal_reason::max_connection_rate)] = 4;
  figures.listeners = {tls, net::listener_counters("mqtt://127.0.0.1:1883")};
  const auto text = render_metrics(figures, {{"mqtt://127.0.0.1:1883", 2}});
  testing::expect_valid_exposition(text);
  for (const std::string line : {
           "telemq_listener_open_connections{listener=\"mqtts://0.0.0.0:8883\"} 7\n",
           "telemq_listener_connections_accepted_total{listener=\"mqtts://0.0.0.0:8883\"} 9\n",
           "telemq_listener_connections_refused_total{listener=\"mqtts://0.0.0.0:8883\","
           "reason=\"max_connection_rate\"} 4\n",
           "telemq_listener_connections_refused_total{listener=\"mqtts://0.0.0.0:8883\","
           "reason=\"listener_max_connections\"} 0\n",
           "telemq_listener_connections_refused_total{listener=\"mqtt://127.0.0.1:1883\","
           "reason=\"max_connections\"} 0\n",
           // A listener without MQTT clients shows 0 rather than nothing.
           "telemq_listener_connections{listener=\"mqtts://0.0.0.0:8883\"} 0\n",
           "telemq_listener_connections{listener=\"mqtt://127.0.0.1:1883\"} 2\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  }
}

}  // namespace
}  // namespace telemq::admin
