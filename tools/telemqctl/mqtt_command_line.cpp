#include "mqtt_command_line.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <random>

#include "ctl_error.hpp"

namespace telemq::ctl {

void add_connection_options(CLI::App& command, mqtt_command_line& line) {
  auto& o = line.options;
  // -h is the host, as in mosquitto_pub; help is --help only.
  command.set_help_flag("--help", "Print this help and exit");
  command.add_option("-h,--host", o.host, "Broker host")->capture_default_str();
  command.add_option("-p,--port", o.port, "Broker port (default 1883, 8883 with TLS)");
  command.add_option("-i,--id", o.client_id, "Client id (default: a random one)");
  command.add_option("-u,--username", o.username, "User name");
  command.add_option("-P,--pw", o.password, "Password");
  command.add_option("-V,--protocol-version", line.version, "MQTT version: 5, 311 or 31")
      ->capture_default_str();
  command.add_option("-k,--keepalive", o.keep_alive, "Keep-alive in seconds (0: none)")
      ->capture_default_str();
  command.add_flag("-c,--disable-clean-session", line.keep_session,
                   "Keep the session (3.1.1: clean session 0; 5.0: clean start 0)");
  command.add_option("-x,--session-expiry-interval", line.session_expiry,
                     "5.0 Session Expiry Interval in seconds");
  command.add_option("--cafile", o.tls.ca_file, "CA certificates (PEM); enables TLS");
  command.add_option("--cert", o.tls.cert_file, "Client certificate (PEM); enables TLS");
  command.add_option("--key", o.tls.key_file, "Client private key (PEM)");
  command.add_flag("--tls", o.tls.enabled, "TLS with the system's CA certificates");
  command.add_flag("--insecure", o.tls.insecure,
                   "Do not check that the broker's certificate names the host");
}

mqtt_options connection_options(const mqtt_command_line& line) {
  mqtt_options o = line.options;
  o.clean_start = !line.keep_session;
  if (line.version == "5" || line.version == "mqttv5") {
    o.version = protocol::protocol_version::v5;
  } else if (line.version == "311" || line.version == "mqttv311") {
    o.version = protocol::protocol_version::v3_1_1;
  } else if (line.version == "31" || line.version == "mqttv31") {
    o.version = protocol::protocol_version::v3_1;
  } else {
    throw ctl_error(
        exit_status::usage,
        fmt::format("-V {}: use 5, 311 or 31 (mqttv5, mqttv311, mqttv31)", line.version));
  }
  o.session_expiry = line.session_expiry;
  if (o.session_expiry && o.version != protocol::protocol_version::v5) {
    throw ctl_error(exit_status::usage, "-x needs MQTT 5 (-V 5)");
  }
  o.tls.enabled = o.tls.enabled || !o.tls.ca_file.empty() || !o.tls.cert_file.empty();
  if (o.password && !o.username) {
    throw ctl_error(exit_status::usage, "-P needs -u");
  }
  if (o.client_id.empty()) {
    if (!o.clean_start && o.version != protocol::protocol_version::v5) {
      throw ctl_error(exit_status::usage, "-c needs a client id (-i): the session is kept by id");
    }
    std::random_device random;
    o.client_id = fmt::format("{}-{}-{:04x}", line.id_prefix, ::getpid(), random() & 0xFFFF);
  }
  return o;
}

protocol::qos parse_qos(int value) {
  if (value < 0 || value > 2) {
    throw ctl_error(exit_status::usage, fmt::format("-q {}: QoS is 0, 1 or 2", value));
  }
  return static_cast<protocol::qos>(value);
}

}  // namespace telemq::ctl
