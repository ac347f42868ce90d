// telemqctl: operate a telemq broker (the admin API) and talk MQTT to it (pub, sub).
// Exit status: 0 done, 1 the broker refused or reported an error (or not found), 2 usage,
// 3 cannot connect or the credentials were refused.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"
#include "ctl_error.hpp"

int main(int argc, char** argv) {
  using namespace telemq::ctl;
  CLI::App app("telemqctl: operate a telemq broker", "telemqctl");
  app.require_subcommand(1);
  // Global options may come after the subcommand: `telemqctl clients list --json`.
  app.fallthrough();
  global_options options;
  app.add_option("--url", options.admin.url,
                 "Admin API address (default $TELEMQ_URL, else http://127.0.0.1:8081)");
  app.add_option("--token", options.admin.token,
                 "Admin token (default $TELEMQ_TOKEN, else DATA_DIR/admin.token)");
  app.add_option("--data-dir", options.admin.data_dir, "The broker's data folder, for the token")
      ->capture_default_str();
  app.add_option("--timeout", options.admin.timeout_seconds, "Seconds to wait for the broker")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_flag("--json", options.json, "Print JSON (for scripts)");

  add_admin_commands(app, options);
  add_top_command(app, options);
  add_pub_command(app, options);
  add_sub_command(app, options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(exit_status::usage);
  } catch (const ctl_error& e) {
    std::cerr << "telemqctl: " << e.what() << '\n';
    return static_cast<int>(e.status());
  } catch (const std::exception& e) {
    std::cerr << "telemqctl: " << e.what() << '\n';
    return static_cast<int>(exit_status::failed);
  }
  return 0;
}
