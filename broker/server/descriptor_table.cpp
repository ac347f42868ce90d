#include "broker/server/descriptor_table.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

namespace telemq::server {

namespace {

// Descriptors the broker holds besides its connections.
constexpr std::size_t descriptors_besides_connections = 64;

}  // namespace

void prepare_descriptor_table(std::size_t slots) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      ::getrlimit(RLIMIT_NOFILE, &limit);
    }
  }
  const auto highest = static_cast<int>(std::min<rlim_t>(slots, limit.rlim_cur)) - 1;
  // A descriptor already open there (inherited) means the table is that large already; taking
  // its number would close it.
  if (highest > 2 && ::fcntl(highest, F_GETFD) < 0) {
    const int placeholder = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (placeholder >= 0) {
      // The table never shrinks: occupying the highest slot once leaves it this large.
      if (::dup3(placeholder, highest, O_CLOEXEC) == highest) {
        ::close(highest);
      }
      ::close(placeholder);
    }
  }
}

std::size_t descriptor_slots_for(std::size_t max_connections) {
  return max_connections == 0 ? default_descriptor_slots
                              : max_connections + descriptors_besides_connections;
}

}  // namespace telemq::server
