#pragma once
// `telemq passwd`: manages a password file, like mosquitto_passwd.
//   telemq passwd [-c] FILE USER             asks for the password twice (not echoed on a terminal)
//   telemq passwd [-c] -b FILE USER PASSWORD  takes it from the command line, where other local
//                                            users can see it (ps): for scripts only
//   telemq passwd -D FILE USER               deletes USER
// -c creates FILE, replacing any file already there. Without a terminal the two password lines
// are read from standard input. Exit status: 0 done, 1 failed (the reason on stderr), 2 usage.
#include <iosfwd>

namespace telemq::auth {

// argv[0] is the command's name ("passwd"); the options and arguments follow.
int run_passwd(int argc, char** argv);

// The same, reading the password lines from `in` rather than the terminal; usage and help go to
// out, errors to err.
int run_passwd(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace telemq::auth
