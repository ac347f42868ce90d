#pragma once
// The subcommands, each group registering itself on the CLI11 application. Callbacks throw
// ctl_error; main() turns it into one line on stderr and the exit status.
#include <string>

#include "admin_client.hpp"

namespace CLI {
class App;
}

namespace telemq::ctl {

struct global_options {
  admin_settings admin;
  bool json = false;  // machine-readable output
};

// status, clients, sessions, subs, retained, users, acl, reload
void add_admin_commands(CLI::App& app, global_options& options);
// top
void add_top_command(CLI::App& app, global_options& options);
// pub, sub
void add_pub_command(CLI::App& app, global_options& options);
void add_sub_command(CLI::App& app, global_options& options);

}  // namespace telemq::ctl
