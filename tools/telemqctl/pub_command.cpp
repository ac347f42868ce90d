// telemqctl pub: publishes one message (-m, -f, -s, -n) or one per line of standard input (-l),
// like mosquitto_pub, and exits once the broker has acknowledged each at the QoS asked.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <charconv>
#include <fstream>
#include <iostream>
#include <iterator>

#include "broker/protocol/topic.hpp"
#include "commands.hpp"
#include "ctl_error.hpp"
#include "mqtt_command_line.hpp"

namespace telemq::ctl {
namespace {

struct pub_options {
  mqtt_command_line connection;
  std::string topic;
  std::optional<std::string> message;
  std::string file;
  bool whole_stdin = false;
  bool lines = false;
  bool null_message = false;
  int qos = 0;
  bool retain = false;
  std::vector<std::vector<std::string>> properties;
};

std::uint32_t property_number(const std::string& name, const std::string& text) {
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    throw ctl_error(exit_status::usage, fmt::format("-D {}: '{}' is not a number", name, text));
  }
  return value;
}

// -D [publish] NAME VALUE... as mosquitto_pub takes it; the command word may be left out.
protocol::properties publish_properties(const std::vector<std::vector<std::string>>& all) {
  protocol::properties props;
  for (auto words : all) {
    if (!words.empty() && (words[0] == "publish" || words[0] == "PUBLISH")) {
      words.erase(words.begin());
    } else if (!words.empty() && (words[0] == "connect" || words[0] == "CONNECT")) {
      throw ctl_error(exit_status::usage, "-D: only PUBLISH properties are supported");
    }
    if (words.empty()) {
      throw ctl_error(exit_status::usage, "-D: a property name and value are needed");
    }
    const std::string& name = words[0];
    const std::size_t values = words.size() - 1;
    const auto need = [&](std::size_t n) {
      if (values != n) {
        throw ctl_error(exit_status::usage,
                        fmt::format("-D {}: takes {} value{}", name, n, n == 1 ? "" : "s"));
      }
    };
    if (name == "user-property") {
      need(2);
      props.user_properties.emplace_back(words[1], words[2]);
    } else if (name == "content-type") {
      need(1);
      props.content_type = words[1];
    } else if (name == "response-topic") {
      need(1);
      props.response_topic = words[1];
    } else if (name == "correlation-data") {
      need(1);
      props.correlation_data = words[1];
    } else if (name == "message-expiry-interval") {
      need(1);
      props.message_expiry_interval = property_number(name, words[1]);
    } else if (name == "payload-format-indicator") {
      need(1);
      props.payload_format_indicator = static_cast<std::uint8_t>(property_number(name, words[1]));
    } else {
      throw ctl_error(exit_status::usage,
                      fmt::format("-D {}: not a PUBLISH property (user-property, content-type, "
                                  "response-topic, correlation-data, message-expiry-interval, "
                                  "payload-format-indicator)",
                                  name));
    }
  }
  return props;
}

std::string read_all(std::istream& in) {
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void run_pub(const pub_options& o) {
  const int sources = (o.message ? 1 : 0) + (o.file.empty() ? 0 : 1) + (o.whole_stdin ? 1 : 0) +
                      (o.lines ? 1 : 0) + (o.null_message ? 1 : 0);
  if (sources != 1) {
    throw ctl_error(exit_status::usage,
                    "give the message with exactly one of -m, -f, -s, -l or -n");
  }
  if (auto invalid = protocol::validate_topic_name(o.topic)) {
    throw ctl_error(exit_status::usage, fmt::format("-t {}: {}", o.topic, invalid->message));
  }
  const mqtt_options options = connection_options(o.connection);
  protocol::publish_packet packet;
  packet.topic = o.topic;
  packet.qos_level = parse_qos(o.qos);
  packet.retain = o.retain;
  if (!o.properties.empty()) {
    if (options.version != protocol::protocol_version::v5) {
      throw ctl_error(exit_status::usage, "-D needs MQTT 5 (-V 5)");
    }
    packet.props = publish_properties(o.properties);
  }
  if (o.message) {
    packet.payload = *o.message;
  } else if (!o.file.empty()) {
    std::ifstream in(o.file, std::ios::binary);
    if (!in) {
      throw ctl_error(exit_status::usage, fmt::format("-f {}: cannot read it", o.file));
    }
    packet.payload = read_all(in);
  } else if (o.whole_stdin) {
    packet.payload = read_all(std::cin);
  }

  mqtt_client client(options);
  client.connect();
  if (o.lines) {
    std::string line;
    while (std::getline(std::cin, line)) {
      packet.payload = line;
      client.publish(packet);
    }
  } else {
    client.publish(packet);
  }
  client.disconnect();
}

}  // namespace

void add_pub_command(CLI::App& app, global_options&) {
  auto o = std::make_shared<pub_options>();
  o->connection.id_prefix = "telemqctl-pub";
  auto* command = app.add_subcommand("pub", "Publish a message over MQTT (like mosquitto_pub)");
  add_connection_options(*command, o->connection);
  command->add_option("-t,--topic", o->topic, "Topic")->required();
  command->add_option("-m,--message", o->message, "The message");
  command->add_option("-f,--file", o->file, "Send this file's content as the message");
  command->add_flag("-s,--stdin-file", o->whole_stdin, "Send standard input as one message");
  command->add_flag("-l,--stdin-line", o->lines, "Send each line of standard input as a message");
  command->add_flag("-n,--null-message", o->null_message, "Send an empty message");
  command->add_option("-q,--qos", o->qos, "QoS 0, 1 or 2")->capture_default_str();
  command->add_flag("-r,--retain", o->retain, "Retain the message");
  command
      ->add_option("-D,--property", o->properties,
                   "MQTT 5 property: [publish] user-property KEY VALUE, content-type TYPE, ...")
      ->expected(2, 4)
      ->allow_extra_args(false);
  command->callback([o] { run_pub(*o); });
}

}  // namespace telemq::ctl
