#pragma once
// The telemq command line. Every option that configures the broker is also a TOML key (the
// mapping is in docs/configuration.md); the command line wins over the file.
#include <filesystem>
#include <iosfwd>
#include <optional>

#include "broker/server/config.hpp"

namespace telemq::server {

struct command_line {
  std::optional<std::filesystem::path> config_file;  // --config, or the file of --check-config
  bool check_config = false;  // validate, print the effective configuration, exit
  overrides set;
};

struct parsed_command_line {
  command_line options;
  // Set when the program should exit at once: after --help or --version (0) or a usage error
  // (1), whose text has been written to out or err.
  std::optional<int> exit_code;
};

parsed_command_line parse_command_line(int argc, const char* const argv[], std::ostream& out,
                                       std::ostream& err);

}  // namespace telemq::server
