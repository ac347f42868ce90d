#include "broker/net/shared_read_buffer.hpp"

#include <cstddef>
#include <memory>

namespace telemq::net {

namespace {
// Big enough that a busy publisher is drained in few reads; allocated on first use so threads
// that never read a socket do not pay for it.
constexpr std::size_t shared_read_buffer_size = 64 * 1024;
}  // namespace

std::span<std::uint8_t> shared_read_buffer() {
  thread_local const auto buffer = std::make_unique<std::uint8_t[]>(shared_read_buffer_size);
  return {buffer.get(), shared_read_buffer_size};
}

}  // namespace telemq::net
