#include "password_prompt.hpp"

#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "ctl_error.hpp"

namespace telemq::ctl {
namespace {

std::string read_line_hidden(const std::string& prompt) {
  std::cerr << prompt << std::flush;
  termios saved{};
  ::tcgetattr(STDIN_FILENO, &saved);
  termios hidden = saved;
  hidden.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &hidden);
  std::string line;
  std::getline(std::cin, line);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  std::cerr << '\n';
  return line;
}

}  // namespace

std::string read_new_password(const std::string& user) {
  std::string password;
  if (::isatty(STDIN_FILENO) != 0) {
    password = read_line_hidden(fmt::format("Password for {}: ", user));
    if (read_line_hidden("Again: ") != password) {
      throw ctl_error(exit_status::usage, "the two passwords differ");
    }
  } else {
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') {
      password.pop_back();
    }
  }
  if (password.empty()) {
    throw ctl_error(exit_status::usage, "empty password");
  }
  return password;
}

}  // namespace telemq::ctl
