#include "persistence/blob_codec.hpp"

#include <limits>
#include <optional>
#include <stdexcept>

namespace telemq::persistence {

namespace {

using protocol::properties;
using protocol::property_id;

// A property added to protocol::properties must be added to the tables below, or it would be
// silently dropped on the way to disk. The size is the tripwire.
static_assert(sizeof(properties) == 488,
              "protocol::properties changed: update the field tables in blob_codec.cpp");

template <class T>
struct field {
  property_id id;
  std::optional<T> properties::*member;
};

constexpr field<std::uint8_t> byte_fields[] = {
    {property_id::payload_format_indicator, &properties::payload_format_indicator},
    {property_id::request_problem_information, &properties::request_problem_information},
    {property_id::request_response_information, &properties::request_response_information},
    {property_id::maximum_qos, &properties::maximum_qos},
    {property_id::retain_available, &properties::retain_available},
    {property_id::wildcard_subscription_available, &properties::wildcard_subscription_available},
    {property_id::subscription_identifier_available,
     &properties::subscription_identifier_available},
    {property_id::shared_subscription_available, &properties::shared_subscription_available},
};

constexpr field<std::uint16_t> two_byte_fields[] = {
    {property_id::server_keep_alive, &properties::server_keep_alive},
    {property_id::receive_maximum, &properties::receive_maximum},
    {property_id::topic_alias_maximum, &properties::topic_alias_maximum},
    {property_id::topic_alias, &properties::topic_alias},
};

constexpr field<std::uint32_t> four_byte_fields[] = {
    {property_id::message_expiry_interval, &properties::message_expiry_interval},
    {property_id::session_expiry_interval, &properties::session_expiry_interval},
    {property_id::will_delay_interval, &properties::will_delay_interval},
    {property_id::maximum_packet_size, &properties::maximum_packet_size},
};

constexpr field<std::string> string_fields[] = {
    {property_id::content_type, &properties::content_type},
    {property_id::response_topic, &properties::response_topic},
    {property_id::correlation_data, &properties::correlation_data},
    {property_id::assigned_client_identifier, &properties::assigned_client_identifier},
    {property_id::authentication_method, &properties::authentication_method},
    {property_id::authentication_data, &properties::authentication_data},
    {property_id::response_information, &properties::response_information},
    {property_id::server_reference, &properties::server_reference},
    {property_id::reason_string, &properties::reason_string},
};

void put_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void put_string(std::string& out, std::string_view text) {
  put_varint(out, text.size());
  out.append(text);
}

void put_id(std::string& out, property_id id) {
  out.push_back(static_cast<char>(id));
}

class reader {
 public:
  explicit reader(std::string_view bytes) : bytes_(bytes) {}

  bool done() const { return bytes_.empty(); }

  std::uint8_t byte() {
    if (bytes_.empty()) {
      malformed();
    }
    const auto value = static_cast<std::uint8_t>(bytes_.front());
    bytes_.remove_prefix(1);
    return value;
  }

  template <class T>
  T varint() {
    std::uint64_t value = 0;
    for (int shift = 0;; shift += 7) {
      if (shift > 63) {
        malformed();
      }
      const std::uint8_t next = byte();
      value |= static_cast<std::uint64_t>(next & 0x7F) << shift;
      if ((next & 0x80) == 0) {
        break;
      }
    }
    if (value > std::numeric_limits<T>::max()) {
      malformed();
    }
    return static_cast<T>(value);
  }

  std::string string() {
    const auto size = varint<std::size_t>();
    if (size > bytes_.size()) {
      malformed();
    }
    std::string value(bytes_.substr(0, size));
    bytes_.remove_prefix(size);
    return value;
  }

  [[noreturn]] static void malformed() {
    throw std::invalid_argument("malformed property or identifier encoding");
  }

 private:
  std::string_view bytes_;
};

// Reads the value of property `id` into props if it belongs to one of the tables.
template <class T, std::size_t N, class Read>
bool read_field(const field<T> (&fields)[N], property_id id, properties& props, Read read) {
  for (const auto& f : fields) {
    if (f.id == id) {
      props.*f.member = read();
      return true;
    }
  }
  return false;
}

}  // namespace

std::string encode_properties(const properties& props) {
  std::string out;
  auto put_fields = [&](const auto& fields, auto put_value) {
    for (const auto& f : fields) {
      if (const auto& value = props.*f.member) {
        put_id(out, f.id);
        put_value(*value);
      }
    }
  };
  const auto put_number = [&](std::uint64_t value) { put_varint(out, value); };
  put_fields(byte_fields, put_number);
  put_fields(two_byte_fields, put_number);
  put_fields(four_byte_fields, put_number);
  put_fields(string_fields, [&](const std::string& value) { put_string(out, value); });
  for (const std::uint32_t identifier : props.subscription_identifiers) {
    put_id(out, property_id::subscription_identifier);
    put_varint(out, identifier);
  }
  for (const auto& [key, value] : props.user_properties) {
    put_id(out, property_id::user_property);
    put_string(out, key);
    put_string(out, value);
  }
  return out;
}

properties decode_properties(std::string_view bytes) {
  properties props;
  reader in(bytes);
  while (!in.done()) {
    const auto id = static_cast<property_id>(in.byte());
    if (id == property_id::subscription_identifier) {
      props.subscription_identifiers.push_back(in.varint<std::uint32_t>());
    } else if (id == property_id::user_property) {
      auto key = in.string();
      props.user_properties.emplace_back(std::move(key), in.string());
    } else if (!read_field(byte_fields, id, props, [&] { return in.varint<std::uint8_t>(); }) &&
               !read_field(two_byte_fields, id, props,
                           [&] { return in.varint<std::uint16_t>(); }) &&
               !read_field(four_byte_fields, id, props,
                           [&] { return in.varint<std::uint32_t>(); }) &&
               !read_field(string_fields, id, props, [&] { return in.string(); })) {
      reader::malformed();
    }
  }
  return props;
}

std::string encode_subscription_identifiers(std::span<const std::uint32_t> identifiers) {
  std::string out;
  for (const std::uint32_t identifier : identifiers) {
    put_varint(out, identifier);
  }
  return out;
}

std::vector<std::uint32_t> decode_subscription_identifiers(std::string_view bytes) {
  std::vector<std::uint32_t> identifiers;
  reader in(bytes);
  while (!in.done()) {
    identifiers.push_back(in.varint<std::uint32_t>());
  }
  return identifiers;
}

}  // namespace telemq::persistence
