// server::run() as main() calls it, for what ends before the broker starts.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "broker/server/server.hpp"

namespace telemq::server {
namespace {

int run_with(std::vector<const char*> args) {
  args.insert(args.begin(), "telemq");
  return run(static_cast<int>(args.size()), args.data());
}

TEST(Run, CheckConfigPrintsTheEffectiveConfiguration) {
  const auto example = std::string(TELEMQ_SOURCE_DIR) + "/telemq.example.toml";
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(run_with({"--check-config", example.c_str(), "--log-level", "debug"}), 0);
  const auto out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("log_level = 'debug'"), std::string::npos) << out;
  EXPECT_NE(out.find("url = 'mqtt://127.0.0.1:1883'"), std::string::npos) << out;
}

TEST(Run, CheckConfigOfABadFileIsOneLineAndExitsOne) {
  const auto path = std::filesystem::temp_directory_path() / "telemq-run-test-bad.toml";
  std::ofstream(path) << "[limits]\nmax_inflight = 0\n";
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_with({"--check-config", path.c_str()}), 1);
  const auto err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(err, "telemq: " + path.string() +
                     ":2: limits.max_inflight: 0 is out of range (1 to 65535)\n");
  std::filesystem::remove(path);
}

TEST(Run, CheckConfigLoadsTheTlsFiles) {
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(
      run_with({"--check-config", "/dev/null", "--listen", "mqtts://127.0.0.1:8883", "--cert-file",
                "/nonexistent/server.pem", "--key-file", "/nonexistent/server.key"}),
      1);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "telemq: cannot read cert_file '/nonexistent/server.pem': No such file or "
            "directory\n");
}

}  // namespace
}  // namespace telemq::server
