#pragma once
// sd_notify(3) without libsystemd: the state changes a Type=notify service reports to systemd,
// as datagrams on the unix socket named by $NOTIFY_SOCKET (a path, or an abstract socket written
// "@name"), and the watchdog keep-alive asked for with $WATCHDOG_USEC. Without $NOTIFY_SOCKET
// (not started by systemd) every call does nothing.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace telemq::server {

class systemd_notifier {
 public:
  // Reads the environment once; a socket that cannot be used disables notifications and leaves
  // the reason in problem().
  systemd_notifier();
  ~systemd_notifier();
  systemd_notifier(const systemd_notifier&) = delete;
  systemd_notifier& operator=(const systemd_notifier&) = delete;

  bool enabled() const { return fd_ >= 0; }
  // $NOTIFY_SOCKET as given; empty when unset.
  const std::string& socket_name() const { return socket_name_; }
  // Why $NOTIFY_SOCKET is set and unusable; empty otherwise.
  const std::string& problem() const { return problem_; }

  // Sends one notification ("READY=1", "STOPPING=1", "WATCHDOG=1"; several assignments are
  // separated by '\n'). Returns false (errno kept) when the datagram could not be sent; true
  // when notifications are off.
  bool notify(std::string_view state) const;

  // How often to send WATCHDOG=1: half of $WATCHDOG_USEC when the watchdog is on for this
  // process ($WATCHDOG_PID, when set, names it); nothing otherwise.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_interval_; }

 private:
  int fd_ = -1;
  std::string socket_name_;
  std::string address_;  // sockaddr_un bytes: family, then the path ('\0' first if abstract)
  std::string problem_;
  std::optional<std::chrono::microseconds> watchdog_interval_;
};

// "RELOADING=1\nMONOTONIC_USEC=N": a reload starts now (systemd 253 asks for the time of
// CLOCK_MONOTONIC with it; older versions ignore it).
std::string reloading_notification();

}  // namespace telemq::server
