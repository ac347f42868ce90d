#include "broker/server/command_line.hpp"

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>

#include "broker/server/version.hpp"

namespace telemq::server {

parsed_command_line parse_command_line(int argc, const char* const argv[], std::ostream& out,
                                       std::ostream& err) {
  parsed_command_line parsed;
  command_line& cl = parsed.options;
  overrides& set = cl.set;

  CLI::App app("telemq: an MQTT broker for IoT telemetry (MQTT 3.1, 3.1.1 and 5.0)", "telemq");
  app.set_version_flag("--version", std::string(version()));
  app.get_formatter()->column_width(36);

  std::string config_file;
  std::string check_file;
  std::string data_dir;
  std::string log_level;
  std::string durability;
  std::size_t max_connections = 0;
  std::size_t threads = 0;
  bool allow_anonymous = false;
  std::string cert_file;
  std::string key_file;
  std::string ca_file;
  std::string password_file;
  std::string acl_file;
  std::string admin_listen;

  auto* config_option =
      app.add_option("--config", config_file, "TOML configuration file")->type_name("FILE");
  app.add_option("--check-config", check_file,
                 "Validate FILE, print the effective configuration and exit (1 if invalid)")
      ->type_name("FILE")
      ->excludes(config_option);
  app.add_option("--listen", set.listen,
                 "Listener URL, repeatable: mqtt://HOST:PORT, mqtts://HOST:PORT, [::1] for "
                 "IPv6 (default mqtt://127.0.0.1:1883; replaces the file's listeners)")
      ->type_name("URL");
  auto* data_dir_option =
      app.add_option("--data-dir", data_dir, "Data folder, created if missing (default ./data)")
          ->type_name("DIR");
  auto* log_level_option =
      app.add_option("--log-level", log_level, "trace, debug, info, warn or error (default info)")
          ->type_name("LEVEL");
  auto* durability_option =
      app.add_option("--durability", durability,
                     "What an acknowledged message survives: process (kill -9), power (power "
                     "loss) or memory (nothing); default process")
          ->type_name("MODE");
  bool db_recover = false;
  bool require_certificate = false;
  bool identity_as_username = false;
  app.add_flag("--db-recover", db_recover,
               "Move a corrupt database aside and start empty instead of refusing to start");
  auto* max_connections_option =
      app.add_option("--max-connections", max_connections,
                     "Refuse new connections beyond this many (default 0: no limit)")
          ->type_name("N");
  auto* threads_option =
      app.add_option("--threads", threads,
                     "Threads serving connections, this one included (default 0: one fewer than "
                     "the CPUs the process may run on, at least one)")
          ->type_name("N");
  auto* password_file_option =
      app.add_option("--password-file", password_file,
                     "Users in Mosquitto's password file format (telemq passwd FILE USER)")
          ->type_name("FILE");
  auto* acl_file_option =
      app.add_option("--acl-file", acl_file, "Access control list in Mosquitto's acl_file syntax")
          ->type_name("FILE");
  auto* admin_listen_option =
      app.add_option("--admin-listen", admin_listen,
                     "Admin API address (default http://127.0.0.1:8081), or off")
          ->type_name("ADDR");
  auto* anonymous_option =
      app.add_option("--allow-anonymous", allow_anonymous,
                     "true or false, for every listener (default: true on loopback addresses "
                     "only)")
          ->type_name("BOOL");
  auto* cert_option =
      app.add_option("--cert-file", cert_file, "TLS certificate chain (PEM) of every TLS listener")
          ->type_name("FILE");
  auto* key_option = app.add_option("--key-file", key_file,
                                    "TLS private key (PEM) of every TLS "
                                    "listener")
                         ->type_name("FILE");
  auto* ca_option =
      app.add_option("--ca-file", ca_file, "CA bundle (PEM) that client certificates must chain to")
          ->type_name("FILE");
  app.add_flag("--require-certificate", require_certificate,
               "TLS listeners refuse clients without a certificate");
  app.add_flag("--use-identity-as-username", identity_as_username,
               "The client certificate's Common Name is the MQTT username");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    parsed.exit_code = app.exit(e, out, err);
    return parsed;
  } catch (const CLI::CallForVersion& e) {
    parsed.exit_code = app.exit(e, out, err);
    return parsed;
  } catch (const CLI::ParseError& e) {
    err << "telemq: " << e.what() << " (see telemq --help)\n";
    parsed.exit_code = 1;
    return parsed;
  }

  if (!check_file.empty()) {
    cl.check_config = true;
    cl.config_file = check_file;
  } else if (!config_file.empty()) {
    cl.config_file = config_file;
  }
  const auto given = [](const CLI::Option* option) { return option->count() > 0; };
  if (given(data_dir_option)) {
    set.data_dir = data_dir;
  }
  if (given(log_level_option)) {
    set.log_level = log_level;
  }
  if (given(durability_option)) {
    set.durability = durability;
  }
  if (db_recover) {
    set.db_recover = true;
  }
  if (given(max_connections_option)) {
    set.max_connections = max_connections;
  }
  if (given(threads_option)) {
    set.threads = threads;
  }
  if (given(password_file_option)) {
    set.password_file = password_file;
  }
  if (given(acl_file_option)) {
    set.acl_file = acl_file;
  }
  if (given(admin_listen_option)) {
    set.admin_listen = admin_listen;
  }
  if (given(anonymous_option)) {
    set.allow_anonymous = allow_anonymous;
  }
  if (given(cert_option)) {
    set.cert_file = cert_file;
  }
  if (given(key_option)) {
    set.key_file = key_file;
  }
  if (given(ca_option)) {
    set.ca_file = ca_file;
  }
  if (require_certificate) {
    set.require_certificate = true;
  }
  if (identity_as_username) {
    set.use_identity_as_username = true;
  }
  return parsed;
}

}  // namespace telemq::server
