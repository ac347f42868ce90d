#pragma once
// SHA-1, needed only to check the Sec-WebSocket-Accept of an upgrade response (RFC 6455
// section 4.1); the benchmark links nothing but the codec and Asio, so it carries its own.
#include <array>
#include <cstdint>
#include <string_view>

namespace telemq::bench {

std::array<std::uint8_t, 20> sha1(std::string_view data);

}  // namespace telemq::bench
