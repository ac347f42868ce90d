#pragma once
// How telemqctl fails: one line on stderr and an exit status scripts can rely on.
#include <stdexcept>
#include <string>

namespace telemq::ctl {

enum class exit_status : int {
  ok = 0,
  failed = 1,       // the broker refused or reported an error; not found
  usage = 2,        // bad command line
  unreachable = 3,  // cannot connect, or the broker refused the credentials (token, MQTT login)
};

class ctl_error : public std::runtime_error {
 public:
  ctl_error(exit_status status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  exit_status status() const { return status_; }

 private:
  exit_status status_;
};

}  // namespace telemq::ctl
