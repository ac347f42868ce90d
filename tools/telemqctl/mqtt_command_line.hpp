#pragma once
// The connection options pub and sub share, spelled as mosquitto_pub and mosquitto_sub spell
// them (-h host, -p port, -i id, -u/-P, -V 311|5, -k, -c, -x, --cafile/--cert/--key), so
// commands written for those tools work with telemqctl.
#include <cstdint>
#include <optional>
#include <string>

#include "mqtt_client.hpp"

namespace CLI {
class App;
}

namespace telemq::ctl {

struct mqtt_command_line {
  mqtt_options options;
  std::string version = "311";
  std::string id_prefix;  // "telemqctl-pub", "telemqctl-sub": a random id is made from it
  std::optional<std::uint32_t> session_expiry;
  bool keep_session = false;
};

void add_connection_options(CLI::App& command, mqtt_command_line& line);

// The options with the version parsed and a client id made when none was given. Throws
// ctl_error (usage).
mqtt_options connection_options(const mqtt_command_line& line);

// "-q 3" and the like: a CLI11 validator for 0, 1, 2.
protocol::qos parse_qos(int value);

}  // namespace telemq::ctl
