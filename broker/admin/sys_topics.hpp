#pragma once
// The $SYS tree with Mosquitto's topic names and meanings, so dashboards made for Mosquitto work
// (https://mosquitto.org/man/mosquitto-8.html, "Broker Status"). Values are published retained;
// like Mosquitto, a value is published again only when it changed.
#include <map>
#include <string>
#include <vector>

#include "broker/admin/broker_figures.hpp"

namespace telemq::admin {

struct sys_value {
  std::string topic;
  std::string payload;

  bool operator==(const sys_value&) const = default;
};

class sys_topics {
 public:
  explicit sys_topics(std::string version) : version_(std::move(version)) {}

  // Every topic on the first call; afterwards those whose value changed since it was last
  // returned.
  std::vector<sys_value> update(const broker_figures& figures, const broker_loads& loads);

 private:
  std::string version_;
  std::map<std::string, std::string, std::less<>> published_;
};

}  // namespace telemq::admin
