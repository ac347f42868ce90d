#pragma once
// MQTT 5.0 properties (section 2.2.2): the table of which property may appear in which packet
// (Table 2-4), and the reader and writer of a property block.
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

#include "broker/protocol/error.hpp"
#include "broker/protocol/primitives.hpp"
#include "broker/protocol/properties.hpp"

namespace telemq::protocol::detail {

// Where a property block sits. The Will Properties of CONNECT are their own place.
enum class property_scope : std::uint8_t {
  connect,
  connack,
  publish,
  will,
  puback,
  pubrec,
  pubrel,
  pubcomp,
  subscribe,
  suback,
  unsubscribe,
  unsuback,
  disconnect,
  auth,
};

constexpr std::uint16_t scope_bit(property_scope scope) {
  return static_cast<std::uint16_t>(1u << static_cast<unsigned>(scope));
}

// MQTT 5.0 Table 2-4, one row per property.
constexpr std::uint16_t allowed_scopes(property_id id) {
  using enum property_scope;
  const auto bits = [](auto... scopes) {
    return static_cast<std::uint16_t>((scope_bit(scopes) | ...));
  };
  switch (id) {
    case property_id::payload_format_indicator:
    case property_id::message_expiry_interval:
    case property_id::content_type:
    case property_id::response_topic:
    case property_id::correlation_data:
      return bits(publish, will);
    case property_id::subscription_identifier:
      return bits(publish, subscribe);
    case property_id::session_expiry_interval:
      return bits(connect, connack, disconnect);
    case property_id::assigned_client_identifier:
    case property_id::server_keep_alive:
    case property_id::response_information:
    case property_id::maximum_qos:
    case property_id::retain_available:
    case property_id::wildcard_subscription_available:
    case property_id::subscription_identifier_available:
    case property_id::shared_subscription_available:
      return bits(connack);
    case property_id::authentication_method:
    case property_id::authentication_data:
      return bits(connect, connack, auth);
    case property_id::request_problem_information:
    case property_id::request_response_information:
      return bits(connect);
    case property_id::will_delay_interval:
      return bits(will);
    case property_id::server_reference:
      return bits(connack, disconnect);
    case property_id::reason_string:
      return bits(connack, puback, pubrec, pubrel, pubcomp, suback, unsuback, disconnect, auth);
    case property_id::receive_maximum:
    case property_id::topic_alias_maximum:
    case property_id::maximum_packet_size:
      return bits(connect, connack);
    case property_id::topic_alias:
      return bits(publish);
    case property_id::user_property:
      return bits(connect, connack, publish, will, puback, pubrec, pubrel, pubcomp, subscribe,
                  suback, unsubscribe, unsuback, disconnect, auth);
  }
  return 0;
}

constexpr bool is_allowed(property_id id, property_scope scope) {
  return (allowed_scopes(id) & scope_bit(scope)) != 0;
}

constexpr std::uint64_t property_bit(property_id id) {
  return std::uint64_t{1} << static_cast<unsigned>(id);
}

// Reads a Property Length and the properties it covers into `out` (which should be empty),
// checking placement (malformed), repetition and value ranges (protocol error).
std::optional<error> read_properties(reader& in, property_scope scope, properties& out,
                                     std::string_view packet_name);

// Empties `props` field by field, keeping the capacity of nothing in particular but without
// building a temporary (the reusing decode path calls this per packet).
void clear_properties(properties& props);

// Writes the properties one kind at a time. The property identifier is a template argument so
// that, with the scope, the Table 2-4 check is settled at compile time: a PUBLISH looks at its
// eight properties only.
template <property_scope scope, typename Sink>
class property_writer {
 public:
  property_writer(Sink& out, std::uint64_t skip) : out_(out), skip_(skip) {}

  template <property_id id, typename T>
  void fixed(const std::optional<T>& value) {
    if constexpr (is_allowed(id, scope)) {
      if (value && wanted(id)) {
        out_.put(static_cast<std::uint8_t>(id));
        if constexpr (sizeof(T) == 1) {
          out_.put(*value);
        } else if constexpr (sizeof(T) == 2) {
          put_u16(out_, *value);
        } else {
          put_u32(out_, *value);
        }
      }
    }
  }

  template <property_id id>
  void text(const std::optional<std::string>& value) {
    if constexpr (is_allowed(id, scope)) {
      if (value && wanted(id)) {
        out_.put(static_cast<std::uint8_t>(id));
        put_string(out_, *value);
      }
    }
  }

  void subscription_identifiers(const std::vector<std::uint32_t>& ids) {
    if constexpr (is_allowed(property_id::subscription_identifier, scope)) {
      if (wanted(property_id::subscription_identifier)) {
        for (const std::uint32_t id : ids) {
          out_.put(static_cast<std::uint8_t>(property_id::subscription_identifier));
          put_variable_byte_integer(out_, id);
        }
      }
    }
  }

  void user_properties(const std::vector<user_property>& pairs) {
    static_assert(is_allowed(property_id::user_property, scope));
    for (const auto& [name, value] : pairs) {
      out_.put(static_cast<std::uint8_t>(property_id::user_property));
      put_string(out_, name);
      put_string(out_, value);
    }
  }

 private:
  bool wanted(property_id id) const { return (skip_ & property_bit(id)) == 0; }

  Sink& out_;
  std::uint64_t skip_;
};

// The properties of `p` allowed in `scope`, in identifier order, without the length prefix.
// Properties that the spec does not allow in that packet are not written: encode never produces
// a packet our own decoder would call malformed because of a misplaced property. `skip` holds
// bits (1 << id) of properties to leave out even when set: a broker forwarding a message
// replaces some of them per delivery.
template <property_scope scope, typename Sink>
void put_property_list(Sink& out, const properties& p, std::uint64_t skip = 0) {
  using enum property_id;
  property_writer<scope, Sink> w(out, skip);
  w.template fixed<payload_format_indicator>(p.payload_format_indicator);
  w.template fixed<message_expiry_interval>(p.message_expiry_interval);
  w.template text<content_type>(p.content_type);
  w.template text<response_topic>(p.response_topic);
  w.template text<correlation_data>(p.correlation_data);
  w.subscription_identifiers(p.subscription_identifiers);
  w.template fixed<session_expiry_interval>(p.session_expiry_interval);
  w.template text<assigned_client_identifier>(p.assigned_client_identifier);
  w.template fixed<server_keep_alive>(p.server_keep_alive);
  w.template text<authentication_method>(p.authentication_method);
  w.template text<authentication_data>(p.authentication_data);
  w.template fixed<request_problem_information>(p.request_problem_information);
  w.template fixed<will_delay_interval>(p.will_delay_interval);
  w.template fixed<request_response_information>(p.request_response_information);
  w.template text<response_information>(p.response_information);
  w.template text<server_reference>(p.server_reference);
  w.template text<reason_string>(p.reason_string);
  w.template fixed<receive_maximum>(p.receive_maximum);
  w.template fixed<topic_alias_maximum>(p.topic_alias_maximum);
  w.template fixed<topic_alias>(p.topic_alias);
  w.template fixed<maximum_qos>(p.maximum_qos);
  w.template fixed<retain_available>(p.retain_available);
  w.user_properties(p.user_properties);
  w.template fixed<maximum_packet_size>(p.maximum_packet_size);
  w.template fixed<wildcard_subscription_available>(p.wildcard_subscription_available);
  w.template fixed<subscription_identifier_available>(p.subscription_identifier_available);
  w.template fixed<shared_subscription_available>(p.shared_subscription_available);
}

template <property_scope scope>
std::uint32_t property_list_size(const properties& p, std::uint64_t skip = 0) {
  size_counter counter;
  put_property_list<scope>(counter, p, skip);
  return static_cast<std::uint32_t>(counter.size);
}

// Property Length followed by the properties. Measuring needs one pass, writing two.
template <property_scope scope, typename Sink>
void put_properties(Sink& out, const properties& p) {
  const std::uint32_t size = property_list_size<scope>(p);
  put_variable_byte_integer(out, size);
  if constexpr (std::is_same_v<Sink, size_counter>) {
    out.size += size;
  } else {
    put_property_list<scope>(out, p);
  }
}

// Whether a packet carries anything worth a property block (for the short forms of the acks).
template <property_scope scope>
bool has_properties(const properties& p) {
  return property_list_size<scope>(p) != 0;
}

}  // namespace telemq::protocol::detail
