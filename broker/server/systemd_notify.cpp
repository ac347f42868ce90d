#include "broker/server/systemd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace telemq::server {

namespace {

// A positive decimal number in the variable, or nothing.
std::optional<unsigned long long> number_in(const char* variable) {
  const char* text = std::getenv(variable);
  if (text == nullptr) {
    return std::nullopt;
  }
  const std::string_view view(text);
  unsigned long long value = 0;
  const auto [end, ec] = std::from_chars(view.data(), view.data() + view.size(), value);
  if (ec != std::errc{} || end != view.data() + view.size() || value == 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

systemd_notifier::systemd_notifier() {
  const char* socket_name = std::getenv("NOTIFY_SOCKET");
  if (socket_name == nullptr || *socket_name == '\0') {
    return;
  }
  socket_name_ = socket_name;
  const std::string_view name(socket_name_);
  sockaddr_un address{};
  if ((name[0] != '/' && name[0] != '@') || name.size() >= sizeof address.sun_path) {
    problem_ = "NOTIFY_SOCKET must be an absolute path or @name within " +
               std::to_string(sizeof address.sun_path - 1) + " bytes";
    return;
  }
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, name.data(), name.size());
  if (name[0] == '@') {
    address.sun_path[0] = '\0';  // an abstract socket: the name is the bytes after the NUL
  }
  address_.assign(reinterpret_cast<const char*>(&address),
                  offsetof(sockaddr_un, sun_path) + name.size());
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    problem_ = std::string("socket: ") + std::strerror(errno);
    return;
  }

  const auto usec = number_in("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  const bool ours =
      pid == nullptr || number_in("WATCHDOG_PID") == static_cast<unsigned long long>(::getpid());
  if (usec && ours) {
    watchdog_interval_ = std::chrono::microseconds(*usec / 2);
  }
}

systemd_notifier::~systemd_notifier() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

bool systemd_notifier::notify(std::string_view state) const {
  if (fd_ < 0) {
    return true;
  }
  const auto sent = ::sendto(fd_, state.data(), state.size(), MSG_NOSIGNAL,
                             reinterpret_cast<const sockaddr*>(address_.data()),
                             static_cast<socklen_t>(address_.size()));
  return sent == static_cast<ssize_t>(state.size());
}

std::string reloading_notification() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec = static_cast<unsigned long long>(now.tv_sec) * 1'000'000ULL +
                    static_cast<unsigned long long>(now.tv_nsec) / 1000ULL;
  return "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec);
}

}  // namespace telemq::server
