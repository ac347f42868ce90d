#include "broker/server/config.hpp"

#include <gtest/gtest.h>

#include <string>

namespace telemq::server {
namespace {

config parse(std::string_view toml, const overrides& cli = {}) {
  return parse_config(toml, "telemq.toml", cli);
}

// The message of the config_error that parsing toml throws.
std::string error_of(std::string_view toml, const overrides& cli = {}) {
  try {
    parse(toml, cli);
  } catch (const config_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Config, DefaultsListenOnLoopbackOnly) {
  const auto cfg = load_config(std::nullopt, {});
  ASSERT_EQ(cfg.listeners.size(), 2u);
  EXPECT_EQ(cfg.listeners[0].url, "mqtt://127.0.0.1:1883");
  EXPECT_EQ(cfg.listeners[1].url, "ws://127.0.0.1:8080");
  EXPECT_TRUE(cfg.listeners[1].allow_anonymous);
  EXPECT_EQ(cfg.listeners[0].host, "127.0.0.1");
  EXPECT_EQ(cfg.listeners[0].port, 1883);
  EXPECT_TRUE(cfg.listeners[0].allow_anonymous);
  EXPECT_EQ(cfg.data_dir, "./data");
  EXPECT_EQ(cfg.log_level, core::log_level::info);
  EXPECT_EQ(cfg.durability, durability_mode::process);
  EXPECT_FALSE(cfg.db_recover);
  EXPECT_EQ(cfg.max_connections, 0u);
  EXPECT_EQ(cfg.threads, 0u) << "one per usable CPU";
  EXPECT_EQ(cfg.limits.max_packet_size, core::broker_limits{}.max_packet_size);
}

TEST(Config, EmptyFileMeansDefaults) {
  EXPECT_EQ(to_toml(parse("")), to_toml(load_config(std::nullopt, {})));
}

TEST(Config, FileSetsEveryKind) {
  const auto cfg = parse(R"(
data_dir = "/var/lib/telemq"
log_level = "debug"
max_connections = 5000
threads = 3

[persistence]
durability = "power"
recover = true

[[listener]]
url = "mqtt://0.0.0.0:1883"

[[listener]]
url = "mqtts://[::]:8883"
allow_anonymous = true
cert_file = "server.pem"
key_file = "server.key"
ca_file = "ca.pem"
require_certificate = true
use_identity_as_username = true

[limits]
max_packet_size = 65536
receive_maximum = 100
queue_policy = "refuse"
queue_qos0_offline = true
connect_timeout = 30
max_publish_rate = 50
)");
  EXPECT_EQ(cfg.data_dir, "/var/lib/telemq");
  EXPECT_EQ(cfg.log_level, core::log_level::debug);
  EXPECT_EQ(cfg.max_connections, 5000u);
  EXPECT_EQ(cfg.threads, 3u);
  EXPECT_EQ(cfg.durability, durability_mode::power);
  EXPECT_TRUE(cfg.db_recover);
  ASSERT_EQ(cfg.listeners.size(), 2u);
  EXPECT_EQ(cfg.listeners[0].host, "0.0.0.0");
  const auto& tls = cfg.listeners[1];
  EXPECT_EQ(tls.scheme, "mqtts");
  EXPECT_EQ(tls.host, "::");
  EXPECT_EQ(tls.port, 8883);
  EXPECT_TRUE(tls.allow_anonymous);
  EXPECT_EQ(tls.tls.cert_file, "server.pem");
  EXPECT_EQ(tls.tls.key_file, "server.key");
  EXPECT_EQ(tls.tls.ca_file, "ca.pem");
  EXPECT_TRUE(tls.tls.require_certificate);
  EXPECT_TRUE(tls.tls.use_identity_as_username);
  EXPECT_EQ(cfg.limits.max_packet_size, 65536u);
  EXPECT_EQ(cfg.limits.receive_maximum, 100);
  EXPECT_EQ(cfg.limits.queue_policy, core::queue_full_policy::refuse);
  EXPECT_TRUE(cfg.limits.queue_qos0_offline);
  EXPECT_EQ(cfg.limits.connect_timeout, std::chrono::seconds(30));
  EXPECT_EQ(cfg.limits.max_publish_rate, 50u);
  EXPECT_EQ(cfg.limits.max_inflight, core::broker_limits{}.max_inflight) << "untouched";
}

TEST(Config, NonLoopbackListenerRefusesAnonymousUnlessTheConfigSaysSo) {
  const auto cfg = parse(R"(
[[listener]]
url = "mqtt://0.0.0.0:1883"
[[listener]]
url = "mqtt://192.168.1.5:1884"
allow_anonymous = true
[[listener]]
url = "mqtt://[::1]:1885"
[[listener]]
url = "mqtt://127.0.0.1:1886"
allow_anonymous = false
)");
  EXPECT_FALSE(cfg.listeners[0].allow_anonymous);
  EXPECT_TRUE(cfg.listeners[1].allow_anonymous);
  EXPECT_TRUE(cfg.listeners[2].allow_anonymous);
  EXPECT_FALSE(cfg.listeners[3].allow_anonymous);
}

TEST(Config, ListenersHaveTheirOwnConnectionLimitsAndDeferredAccept) {
  const auto cfg = parse(R"(
max_connections = 1000
[[listener]]
url = "mqtt://127.0.0.1:1883"
max_connections = 200
max_connection_rate = 50
defer_accept = 0
[[listener]]
url = "ws://127.0.0.1:8080"
)");
  EXPECT_EQ(cfg.max_connections, 1000u);
  EXPECT_EQ(cfg.listeners[0].max_connections, 200u);
  EXPECT_EQ(cfg.listeners[0].max_connection_rate, 50u);
  EXPECT_EQ(cfg.listeners[1].max_connections, 0u) << "no limit of its own by default";
  EXPECT_EQ(cfg.listeners[1].max_connection_rate, 0u);
  EXPECT_EQ(cfg.listeners[0].defer_accept, 0u);
  EXPECT_EQ(cfg.listeners[1].defer_accept, 1u) << "one second by default";
  const auto printed = to_toml(cfg);
  EXPECT_NE(printed.find("max_connection_rate = 50"), std::string::npos) << printed;
  EXPECT_NE(printed.find("defer_accept = 0"), std::string::npos) << printed;
  EXPECT_EQ(to_toml(parse(printed)), printed);
  EXPECT_EQ(error_of("[[listener]]\nurl = \"mqtt://127.0.0.1:1\"\nmax_connection_rate = -1\n"),
            "telemq.toml:3: listener.max_connection_rate: -1 is out of range (0 to 1000000)");
  EXPECT_EQ(error_of("[[listener]]\nurl = \"mqtt://127.0.0.1:1\"\nmax_connections = -1\n"),
            "telemq.toml:3: listener.max_connections: -1 is out of range (at least 0)");
  EXPECT_EQ(error_of("[[listener]]\nurl = \"mqtt://127.0.0.1:1\"\ndefer_accept = 61\n"),
            "telemq.toml:3: listener.defer_accept: 61 is out of range (0 to 60)");
}

TEST(Config, UnknownKeysAreErrorsWithTheirLine) {
  EXPECT_EQ(error_of("log_level = \"info\"\nlog_levle = \"debug\"\n"),
            "telemq.toml:2: unknown key 'log_levle'");
  EXPECT_EQ(error_of("[limits]\nmax_packet_size = 1024\n\nmax_packet_sise = 5\n"),
            "telemq.toml:4: unknown key 'max_packet_sise' in [limits]");
  EXPECT_EQ(error_of("[[listener]]\nurl = \"mqtt://127.0.0.1:1\"\nport = 5\n"),
            "telemq.toml:3: unknown key 'port' in [[listener]]");
  EXPECT_EQ(error_of("[persistence]\nsync = true\n"),
            "telemq.toml:2: unknown key 'sync' in [persistence]");
}

TEST(Config, RangesAreChecked) {
  EXPECT_EQ(error_of("threads = 5000\n"),
            "telemq.toml:1: threads: 5000 is out of range (0 to 1024)");
  overrides too_many;
  too_many.threads = 1025;
  EXPECT_EQ(error_of("", too_many), "--threads: 1025 is more than 1024");
  EXPECT_EQ(error_of("[limits]\nmax_packet_size = 10\n"),
            "telemq.toml:2: limits.max_packet_size: 10 is out of range (64 to 268435460)");
  EXPECT_EQ(error_of("[limits]\nreceive_maximum = 0\n"),
            "telemq.toml:2: limits.receive_maximum: 0 is out of range (1 to 65535)");
  EXPECT_EQ(error_of("[limits]\nmax_client_id_length = 8\n"),
            "telemq.toml:2: limits.max_client_id_length: 8 is out of range (23 to 65535)");
  EXPECT_EQ(error_of("[limits]\nmax_write_buffer = -1\n"),
            "telemq.toml:2: limits.max_write_buffer: -1 is out of range (at least 1024)");
  EXPECT_EQ(error_of("max_connections = -5\n"),
            "telemq.toml:1: max_connections: -5 is out of range (at least 0)");
}

TEST(Config, TypesAndChoicesAreChecked) {
  EXPECT_EQ(error_of("[limits]\nmax_inflight = \"many\"\n"),
            "telemq.toml:2: limits.max_inflight: expected an integer");
  EXPECT_EQ(error_of("[limits]\nretain_available = 1\n"),
            "telemq.toml:2: limits.retain_available: expected true or false");
  EXPECT_EQ(error_of("[limits]\nqueue_policy = \"drop_newest\"\n"),
            "telemq.toml:2: limits.queue_policy: 'drop_newest' is not one of drop_oldest or "
            "refuse");
  EXPECT_EQ(error_of("log_level = \"verbose\"\n"),
            "telemq.toml:1: log_level: 'verbose' is not one of trace, debug, info, warn or error");
  EXPECT_EQ(error_of("limits = 5\n"), "telemq.toml:1: limits: expected a table ([limits])");
  EXPECT_EQ(error_of("[listener]\nurl = \"mqtt://127.0.0.1:1\"\n"),
            "telemq.toml:1: listener: expected an array of tables ([[listener]])");
}

TEST(Config, TomlSyntaxErrorsHaveTheirLine) {
  EXPECT_TRUE(error_of("data_dir = \"a\"\nlog_level = \n").starts_with("telemq.toml:2: "));
}

TEST(Config, ListenerMistakesHaveTheirLine) {
  EXPECT_EQ(error_of("[[listener]]\nallow_anonymous = true\n"),
            "telemq.toml:1: listener: url is required, e.g. url = \"mqtt://0.0.0.0:1883\"");
  EXPECT_EQ(error_of("\n[[listener]]\nurl = \"mqtt://127.0.0.1\"\n"),
            "telemq.toml:3: listener.url: listen URL 'mqtt://127.0.0.1': a port is required, "
            "e.g. 127.0.0.1:1883");
  EXPECT_EQ(error_of("[[listener]]\nurl = \"http://127.0.0.1:80\"\n"),
            "telemq.toml:2: listener http://127.0.0.1:80: unknown scheme 'http' (use mqtt, "
            "mqtts, ws or wss)");
  EXPECT_EQ(error_of("[[listener]]\nurl = \"mqtts://0.0.0.0:8883\"\n"),
            "telemq.toml:2: listener mqtts://0.0.0.0:8883: a TLS listener needs cert_file and "
            "key_file");
  EXPECT_EQ(error_of("[[listener]]\nurl = \"mqtt://0.0.0.0:1883\"\ncert_file = \"a.pem\"\n"),
            "telemq.toml:2: listener mqtt://0.0.0.0:1883: cert_file, key_file, ca_file, "
            "require_certificate and use_identity_as_username apply only to mqtts:// and "
            "wss:// listeners");
  EXPECT_EQ(error_of("[[listener]]\nurl = \"mqtts://0.0.0.0:8883\"\ncert_file = \"a\"\n"
                     "key_file = \"b\"\nrequire_certificate = true\n"),
            "telemq.toml:2: listener mqtts://0.0.0.0:8883: require_certificate needs ca_file, "
            "the CA that client certificates must chain to");
  EXPECT_EQ(error_of("[[listener]]\nurl = \"mqtts://0.0.0.0:8883\"\ncert_file = \"a\"\n"
                     "key_file = \"b\"\nca_file = \"c\"\nuse_identity_as_username = true\n"),
            "telemq.toml:2: listener mqtts://0.0.0.0:8883: use_identity_as_username needs "
            "require_certificate = true");
  EXPECT_EQ(error_of("[[listener]]\nurl = \"mqtt://127.0.0.1:1883/x\"\n"),
            "telemq.toml:2: listener mqtt://127.0.0.1:1883/x: an MQTT listener URL takes no path");
  EXPECT_EQ(error_of("[[listener]]\nurl = \"mqtt://0.0.0.0:1883\"\n[[listener]]\n"
                     "url = \"ws://0.0.0.0:1883\"\n"),
            "telemq.toml:4: listener ws://0.0.0.0:1883: 0.0.0.0:1883 is already used by "
            "mqtt://0.0.0.0:1883 (telemq.toml:2)");
}

TEST(Config, WebSocketListenersAreParsedForTheBridgeModule) {
  const auto cfg = parse("[[listener]]\nurl = \"ws://127.0.0.1:8080/mqtt\"\n");
  EXPECT_EQ(cfg.listeners.at(0).scheme, "ws");
  EXPECT_EQ(cfg.listeners.at(0).path, "/mqtt");
}

TEST(Config, CommandLineOverridesTheFile) {
  overrides cli;
  cli.listen = {"mqtt://[::1]:1884", "mqtts://0.0.0.0:8883"};
  cli.data_dir = "/tmp/tq";
  cli.log_level = "warn";
  cli.durability = "memory";
  cli.db_recover = true;
  cli.max_connections = 7;
  cli.threads = 4;
  cli.cert_file = "cli.pem";
  cli.key_file = "cli.key";
  const auto cfg = parse(R"(
data_dir = "/var/lib/telemq"
log_level = "debug"
max_connections = 100
threads = 2
[persistence]
durability = "power"
[[listener]]
url = "mqtt://0.0.0.0:1883"
)",
                         cli);
  EXPECT_EQ(cfg.data_dir, "/tmp/tq");
  EXPECT_EQ(cfg.log_level, core::log_level::warn);
  EXPECT_EQ(cfg.durability, durability_mode::memory);
  EXPECT_TRUE(cfg.db_recover);
  EXPECT_EQ(cfg.max_connections, 7u);
  EXPECT_EQ(cfg.threads, 4u);
  ASSERT_EQ(cfg.listeners.size(), 2u) << "--listen replaces the file's listeners";
  EXPECT_EQ(cfg.listeners[0].host, "::1");
  EXPECT_EQ(cfg.listeners[0].port, 1884);
  EXPECT_TRUE(cfg.listeners[0].allow_anonymous);
  EXPECT_EQ(cfg.listeners[0].tls.cert_file, "") << "TLS options go to TLS listeners only";
  EXPECT_EQ(cfg.listeners[1].tls.cert_file, "cli.pem");
  EXPECT_EQ(cfg.listeners[1].tls.key_file, "cli.key");
  EXPECT_FALSE(cfg.listeners[1].allow_anonymous);
}

TEST(Config, CommandLineTlsOptionsCompleteTheFilesListeners) {
  overrides cli;
  cli.cert_file = "cli.pem";
  cli.key_file = "cli.key";
  cli.allow_anonymous = true;
  const auto cfg = parse("[[listener]]\nurl = \"mqtts://0.0.0.0:8883\"\n", cli);
  EXPECT_EQ(cfg.listeners[0].tls.cert_file, "cli.pem");
  EXPECT_TRUE(cfg.listeners[0].allow_anonymous);
}

TEST(Config, CommandLineAllowAnonymousAppliesToTheDefaultListener) {
  overrides cli;
  cli.allow_anonymous = false;
  EXPECT_FALSE(load_config(std::nullopt, cli).listeners[0].allow_anonymous);
}

TEST(Config, CommandLineMistakesNameTheOption) {
  overrides bad_level;
  bad_level.log_level = "loud";
  EXPECT_EQ(error_of("", bad_level),
            "--log-level: 'loud' is not one of trace, debug, info, warn or error");
  overrides bad_durability;
  bad_durability.durability = "disk";
  EXPECT_EQ(error_of("", bad_durability),
            "--durability: 'disk' is not one of process, power or memory");
  overrides bad_url;
  bad_url.listen = {"mqtt://0.0.0.0"};
  EXPECT_EQ(error_of("", bad_url),
            "--listen: listen URL 'mqtt://0.0.0.0': a port is required, e.g. 127.0.0.1:1883");
  overrides tls_without_files;
  tls_without_files.listen = {"mqtts://0.0.0.0:8883"};
  EXPECT_EQ(error_of("", tls_without_files),
            "--listen mqtts://0.0.0.0:8883: listener mqtts://0.0.0.0:8883: a TLS listener needs "
            "cert_file and key_file");
}

TEST(Config, MissingFileIsNamed) {
  try {
    load_config(std::filesystem::path("/nonexistent/telemq.toml"), {});
    FAIL();
  } catch (const config_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot read config file '/nonexistent/telemq.toml': No such file or directory");
  }
}

TEST(Config, PrintedConfigurationReadsBackTheSame) {
  overrides cli;
  cli.listen = {"mqtt://0.0.0.0:1883", "mqtts://[::]:8883"};
  cli.cert_file = "server.pem";
  cli.key_file = "server.key";
  cli.durability = "power";
  auto cfg = parse("[limits]\nmax_inflight = 10\nqueue_policy = \"refuse\"\n", cli);
  const auto printed = to_toml(cfg);
  EXPECT_EQ(to_toml(parse(printed)), printed);
  EXPECT_NE(printed.find("max_inflight = 10"), std::string::npos) << printed;
  EXPECT_NE(printed.find("[[listener]]"), std::string::npos) << printed;
}

TEST(Config, ExampleFileLoadsAndShowsTheDefaults) {
  const auto cfg =
      load_config(std::filesystem::path(TELEMQ_SOURCE_DIR) / "telemq.example.toml", {});
  // Every value in the example is the default, so it documents them truthfully.
  EXPECT_EQ(to_toml(cfg), to_toml(load_config(std::nullopt, {})));
}

}  // namespace
}  // namespace telemq::server
