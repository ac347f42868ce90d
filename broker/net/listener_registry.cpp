#include "broker/net/listener.hpp"

namespace telemq::net {

void listener_registry::add(std::string scheme, listener_factory factory) {
  factories_.insert_or_assign(std::move(scheme), std::move(factory));
}

const listener_factory* listener_registry::find(std::string_view scheme) const {
  const auto it = factories_.find(scheme);
  return it == factories_.end() ? nullptr : &it->second;
}

void add_mqtt_listeners(listener_registry& registry) {
  registry.add("mqtt", make_mqtt_listener);
  registry.add("mqtts", make_mqtts_listener);
}

}  // namespace telemq::net
