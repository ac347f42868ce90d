#pragma once
// Asking for a password: twice and not echoed on a terminal, one line from standard input
// otherwise (for scripts: `echo "$PW" | telemqctl users add alice`).
#include <string>

namespace telemq::ctl {

// Throws ctl_error (usage) when the two entries differ or nothing was given.
std::string read_new_password(const std::string& user);

}  // namespace telemq::ctl
