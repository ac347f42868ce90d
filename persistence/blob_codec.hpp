#pragma once
// The BLOB encodings of the database, kept here rather than borrowed from the protocol codec so
// the file format changes only when schema.sql says so.
//
// Properties: for each property present, its MQTT identifier byte, then the value: integers as
// variable byte integers, strings and binary data as a variable byte integer length and the
// bytes. Repeated properties (User Property, Subscription Identifier) repeat the entry. Every
// field of protocol::properties round-trips, not only those a message carries today.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "broker/protocol/properties.hpp"

namespace telemq::persistence {

std::string encode_properties(const protocol::properties& props);
// Throws std::invalid_argument when the bytes are not an encoding made by encode_properties.
protocol::properties decode_properties(std::string_view bytes);

// Subscription identifiers as consecutive variable byte integers.
std::string encode_subscription_identifiers(std::span<const std::uint32_t> identifiers);
std::vector<std::uint32_t> decode_subscription_identifiers(std::string_view bytes);

}  // namespace telemq::persistence
