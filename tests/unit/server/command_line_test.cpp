#include "broker/server/command_line.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace telemq::server {
namespace {

struct outcome {
  parsed_command_line parsed;
  std::string out;
  std::string err;
};

outcome parse(std::vector<const char*> args) {
  args.insert(args.begin(), "telemq");
  std::ostringstream out;
  std::ostringstream err;
  auto parsed = parse_command_line(static_cast<int>(args.size()), args.data(), out, err);
  return {std::move(parsed), out.str(), err.str()};
}

TEST(CommandLine, NothingGivenOverridesNothing) {
  const auto result = parse({});
  EXPECT_FALSE(result.parsed.exit_code);
  const auto& o = result.parsed.options;
  EXPECT_FALSE(o.config_file);
  EXPECT_FALSE(o.check_config);
  EXPECT_TRUE(o.set.listen.empty());
  EXPECT_FALSE(o.set.data_dir);
  EXPECT_FALSE(o.set.log_level);
  EXPECT_FALSE(o.set.durability);
  EXPECT_FALSE(o.set.db_recover);
  EXPECT_FALSE(o.set.max_connections);
  EXPECT_FALSE(o.set.threads);
  EXPECT_FALSE(o.set.allow_anonymous);
  EXPECT_FALSE(o.set.require_certificate);
}

TEST(CommandLine, EveryOptionLandsInTheOverrides) {
  const auto result = parse({"--config",
                             "t.toml",
                             "--listen",
                             "mqtt://0.0.0.0:1883",
                             "--listen",
                             "mqtts://[::1]:8883",
                             "--data-dir",
                             "/tmp/tq",
                             "--log-level",
                             "debug",
                             "--durability",
                             "power",
                             "--db-recover",
                             "--max-connections",
                             "10",
                             "--threads",
                             "3",
                             "--allow-anonymous",
                             "true",
                             "--cert-file",
                             "c.pem",
                             "--key-file",
                             "k.pem",
                             "--ca-file",
                             "ca.pem",
                             "--require-certificate",
                             "--use-identity-as-username"});
  ASSERT_FALSE(result.parsed.exit_code) << result.err;
  const auto& o = result.parsed.options;
  EXPECT_EQ(o.config_file, std::filesystem::path("t.toml"));
  EXPECT_EQ(o.set.listen, (std::vector<std::string>{"mqtt://0.0.0.0:1883", "mqtts://[::1]:8883"}));
  EXPECT_EQ(o.set.data_dir, "/tmp/tq");
  EXPECT_EQ(o.set.log_level, "debug");
  EXPECT_EQ(o.set.durability, "power");
  EXPECT_EQ(o.set.db_recover, true);
  EXPECT_EQ(o.set.max_connections, 10u);
  EXPECT_EQ(o.set.threads, 3u);
  EXPECT_EQ(o.set.allow_anonymous, true);
  EXPECT_EQ(o.set.cert_file, "c.pem");
  EXPECT_EQ(o.set.key_file, "k.pem");
  EXPECT_EQ(o.set.ca_file, "ca.pem");
  EXPECT_EQ(o.set.require_certificate, true);
  EXPECT_EQ(o.set.use_identity_as_username, true);
}

TEST(CommandLine, CheckConfigNamesTheFileToCheck) {
  const auto result = parse({"--check-config", "t.toml"});
  EXPECT_TRUE(result.parsed.options.check_config);
  EXPECT_EQ(result.parsed.options.config_file, std::filesystem::path("t.toml"));
  EXPECT_EQ(parse({"--check-config", "a.toml", "--config", "b.toml"}).parsed.exit_code, 1);
}

TEST(CommandLine, HelpAndVersionExitZero) {
  const auto help = parse({"--help"});
  EXPECT_EQ(help.parsed.exit_code, 0);
  EXPECT_NE(help.out.find("--listen"), std::string::npos);
  EXPECT_NE(help.out.find("--check-config"), std::string::npos);
  const auto version = parse({"--version"});
  EXPECT_EQ(version.parsed.exit_code, 0);
  EXPECT_NE(version.out.find('.'), std::string::npos) << version.out;
}

TEST(CommandLine, UsageErrorIsOneLineAndExitsOne) {
  const auto result = parse({"--lisen", "mqtt://0.0.0.0:1883"});
  EXPECT_EQ(result.parsed.exit_code, 1);
  EXPECT_TRUE(result.err.starts_with("telemq: ")) << result.err;
  EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << result.err;
}

}  // namespace
}  // namespace telemq::server
