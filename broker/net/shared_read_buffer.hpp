#pragma once
// One read buffer for every plain socket of a thread: what is read is handed on (the core copies
// what it keeps into its decoder) before the next read can happen, so an idle connection needs
// no read buffer of its own.
#include <cstdint>
#include <span>

namespace telemq::net {

std::span<std::uint8_t> shared_read_buffer();

}  // namespace telemq::net
