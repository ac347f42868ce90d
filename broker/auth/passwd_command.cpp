#include "broker/auth/passwd_command.hpp"

#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "broker/auth/password_file.hpp"

namespace telemq::auth {
namespace {

constexpr std::string_view usage =
    "usage: telemq passwd [-c] FILE USER              set USER's password, asking for it\n"
    "       telemq passwd [-c] -b FILE USER PASSWORD  set it from the command line (scripts)\n"
    "       telemq passwd -D FILE USER                delete USER\n"
    "  -c  create FILE, replacing any file already there\n"
    "  -b  batch mode: the password is the last argument\n"
    "  -D  delete the user\n"
    "The file is in Mosquitto's format (PBKDF2-SHA512); mosquitto_passwd files work as they are.\n";

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

using line_reader = std::function<std::optional<std::string>(const char* prompt)>;

std::optional<std::string> read_line(std::istream& in) {
  std::string line;
  if (!std::getline(in, line)) {
    return std::nullopt;
  }
  if (line.ends_with('\r')) {
    line.pop_back();
  }
  return line;
}

// The terminal settings to put back if a signal ends the program while echo is off, so that the
// user's shell does not stay silent.
termios saved_terminal{};

void restore_terminal_and_die(int signal) {
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_terminal);
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

std::optional<std::string> read_hidden(const char* prompt) {
  std::cerr << prompt << std::flush;
  if (::tcgetattr(STDIN_FILENO, &saved_terminal) != 0) {
    return read_line(std::cin);
  }
  termios quiet = saved_terminal;
  quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
  quiet.c_lflag |= ECHONL;
  const auto old_int = std::signal(SIGINT, restore_terminal_and_die);
  const auto old_term = std::signal(SIGTERM, restore_terminal_and_die);
  const auto old_hup = std::signal(SIGHUP, restore_terminal_and_die);
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  auto line = read_line(std::cin);
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_terminal);
  std::signal(SIGINT, old_int);
  std::signal(SIGTERM, old_term);
  std::signal(SIGHUP, old_hup);
  return line;
}

int run(int argc, char** argv, const line_reader& read, std::ostream& out, std::ostream& err) {
  bool create = false;
  bool batch = false;
  bool remove = false;
  bool options_done = false;
  std::vector<std::string_view> arguments;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (options_done || arg.size() < 2 || !arg.starts_with('-')) {
      arguments.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      out << usage;
      return exit_ok;
    }
    for (const char flag : arg.substr(1)) {
      if (flag == 'c') {
        create = true;
      } else if (flag == 'b') {
        batch = true;
      } else if (flag == 'D') {
        remove = true;
      } else {
        err << "telemq passwd: unknown option -" << flag << "\n" << usage;
        return exit_usage;
      }
    }
  }
  if (remove && (create || batch)) {
    err << "telemq passwd: -D cannot be combined with -c or -b\n" << usage;
    return exit_usage;
  }
  const std::size_t wanted = batch ? 3 : 2;
  if (arguments.size() != wanted) {
    if (!batch && arguments.size() == 3) {
      err << "telemq passwd: a password on the command line needs -b\n" << usage;
    } else {
      err << "telemq passwd: expected " << (batch ? "FILE USER PASSWORD" : "FILE USER") << "\n"
          << usage;
    }
    return exit_usage;
  }
  const std::string file(arguments[0]);
  const std::string user(arguments[1]);

  if (!create && !std::filesystem::exists(file)) {
    err << "telemq passwd: " << file << " does not exist; -c creates it\n";
    return exit_failed;
  }
  try {
    password_file passwords = create ? password_file{} : password_file::load(file);
    if (remove) {
      if (!passwords.remove(user)) {
        err << "telemq passwd: user '" << user << "' is not in " << file << "\n";
        return exit_failed;
      }
      passwords.save(file);
      return exit_ok;
    }
    std::string password;
    if (batch) {
      password = arguments[2];
    } else {
      const auto first = read("Password: ");
      const auto second = first ? read("Reenter password: ") : std::nullopt;
      if (!first || !second) {
        err << "telemq passwd: no password given\n";
        return exit_failed;
      }
      if (*first != *second) {
        err << "telemq passwd: the passwords do not match\n";
        return exit_failed;
      }
      password = *first;
    }
    if (password.empty()) {
      err << "telemq passwd: the password is empty\n";
      return exit_failed;
    }
    passwords.set_password(user, password);
    passwords.save(file);
    return exit_ok;
  } catch (const std::invalid_argument& e) {
    err << "telemq passwd: cannot store user '" << user << "': " << e.what() << "\n";
  } catch (const std::exception& e) {
    err << "telemq passwd: " << e.what() << "\n";
  }
  return exit_failed;
}

}  // namespace

int run_passwd(int argc, char** argv) {
  if (::isatty(STDIN_FILENO) == 1) {
    return run(argc, argv, read_hidden, std::cout, std::cerr);
  }
  return run(
      argc, argv, [](const char*) { return read_line(std::cin); }, std::cout, std::cerr);
}

int run_passwd(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err) {
  return run(
      argc, argv, [&in](const char*) { return read_line(in); }, out, err);
}

}  // namespace telemq::auth
