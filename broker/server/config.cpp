#include "broker/server/config.hpp"

#include <fmt/core.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "broker/protocol/types.hpp"

namespace telemq::server {

namespace {

constexpr std::int64_t no_upper_bound = std::numeric_limits<std::int64_t>::max();
// New connections per second on one listener: far beyond what one broker thread accepts.
constexpr std::int64_t max_connection_rate = 1'000'000;
// A connection that sends nothing should still meet the connect timeout within a minute or so.
constexpr std::int64_t max_defer_accept_seconds = 60;
// More threads than this would be a typo rather than a machine.
constexpr std::int64_t max_threads = 1024;

constexpr std::string_view log_level_names[] = {"trace", "debug", "info", "warn", "error"};
constexpr std::string_view durability_names[] = {"process", "power", "memory"};
constexpr std::string_view queue_policy_names[] = {"drop_oldest", "refuse"};
constexpr std::string_view known_schemes[] = {"mqtt", "mqtts", "ws", "wss"};

// The index of name in names, or nothing.
template <std::size_t N>
std::optional<std::size_t> find_name(const std::string_view (&names)[N], std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) {
      return i;
    }
  }
  return std::nullopt;
}

template <std::size_t N>
std::string one_of(const std::string_view (&names)[N]) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    out += (i == 0 ? "" : i + 1 == N ? " or " : ", ");
    out += names[i];
  }
  return out;
}

// Every [limits] key, with its range; the reader and the writer below visit the same list, so a
// limit added here is loaded, checked and printed.
template <typename Limits, typename Visitor>
void visit_limits(Limits& l, Visitor& v) {
  v.integer("max_packet_size", l.max_packet_size, 64, protocol::max_variable_byte_integer + 5);
  v.integer("receive_maximum", l.receive_maximum, 1, 65535);
  v.integer("max_inflight", l.max_inflight, 1, 65535);
  v.integer("topic_alias_maximum", l.topic_alias_maximum, 0, 65535);
  v.integer("max_keep_alive", l.max_keep_alive, 1, 65535);
  v.integer("max_session_expiry", l.max_session_expiry, 0, 0xFFFFFFFF);
  v.integer("max_queued_messages", l.max_queued_messages, 0, no_upper_bound);
  v.integer("max_queued_bytes", l.max_queued_bytes, 0, no_upper_bound);
  v.queue_policy("queue_policy", l.queue_policy);
  v.boolean("queue_qos0_offline", l.queue_qos0_offline);
  v.integer("max_write_buffer", l.max_write_buffer, 1024, no_upper_bound);
  v.integer("max_subscriptions_per_client", l.max_subscriptions_per_client, 1, no_upper_bound);
  v.integer("max_topic_length", l.max_topic_length, 1, 65535);
  v.integer("max_topic_levels", l.max_topic_levels, 1, 65535);
  // MQTT-3.1.3-5: a server must accept client ids of 1 to 23 characters.
  v.integer("max_client_id_length", l.max_client_id_length, 23, 65535);
  v.seconds("connect_timeout", l.connect_timeout, 1, 3600);
  v.integer("max_publish_rate", l.max_publish_rate, 0, 0xFFFFFFFF);
  v.integer("max_publish_bytes_rate", l.max_publish_bytes_rate, 0, no_upper_bound);
  v.boolean("retain_available", l.retain_available);
  v.boolean("wildcard_subscription_available", l.wildcard_subscription_available);
  v.boolean("subscription_identifier_available", l.subscription_identifier_available);
  v.boolean("shared_subscription_available", l.shared_subscription_available);
}

// A listener with where it was defined, for errors found after merging the command line.
struct listener_entry {
  net::listener_config config;
  std::string origin;  // "FILE:LINE" or "--listen"
};

class toml_reader {
 public:
  explicit toml_reader(std::string_view source) : source_(source) {}

  [[noreturn]] void fail(const toml::source_region& where, std::string_view key,
                         std::string_view why) const {
    throw config_error(fmt::format("{}: {}: {}", origin(where), key, why));
  }

  std::string origin(const toml::source_region& where) const {
    return fmt::format("{}:{}", source_, where.begin.line);
  }

  void check_keys(const toml::table& table, std::string_view section,
                  const std::vector<std::string_view>& known) const {
    for (const auto& [key, node] : table) {
      if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
        throw config_error(fmt::format("{}: unknown key '{}'{}", origin(key.source()), key.str(),
                                       section.empty() ? "" : fmt::format(" in [{}]", section)));
      }
    }
  }

  template <typename T>
  void integer(const toml::table& table, std::string_view key, std::string_view name, T& out,
               std::int64_t min, std::int64_t max) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      return;
    }
    const auto* value = node->as_integer();
    if (value == nullptr) {
      fail(node->source(), name, "expected an integer");
    }
    if (value->get() < min || value->get() > max) {
      fail(node->source(), name,
           max == no_upper_bound
               ? fmt::format("{} is out of range (at least {})", value->get(), min)
               : fmt::format("{} is out of range ({} to {})", value->get(), min, max));
    }
    out = static_cast<T>(value->get());
  }

  void boolean(const toml::table& table, std::string_view key, std::string_view name,
               bool& out) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      return;
    }
    const auto* value = node->as_boolean();
    if (value == nullptr) {
      fail(node->source(), name, "expected true or false");
    }
    out = value->get();
  }

  // Nothing when the key is absent.
  const toml::value<std::string>* string(const toml::table& table, std::string_view key,
                                         std::string_view name) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      return nullptr;
    }
    const auto* value = node->as_string();
    if (value == nullptr) {
      fail(node->source(), name, "expected a string");
    }
    return value;
  }

  void string(const toml::table& table, std::string_view key, std::string_view name,
              std::string& out) const {
    if (const auto* value = string(table, key, name)) {
      out = value->get();
    }
  }

  template <std::size_t N>
  std::optional<std::size_t> choice(const toml::table& table, std::string_view key,
                                    std::string_view name,
                                    const std::string_view (&names)[N]) const {
    const auto* value = string(table, key, name);
    if (value == nullptr) {
      return std::nullopt;
    }
    const auto index = find_name(names, value->get());
    if (!index) {
      fail(value->source(), name,
           fmt::format("'{}' is not one of {}", value->get(), one_of(names)));
    }
    return index;
  }

  const toml::table* table(const toml::table& parent, std::string_view key) const {
    const toml::node* node = parent.get(key);
    if (node == nullptr) {
      return nullptr;
    }
    if (!node->is_table()) {
      fail(node->source(), key, fmt::format("expected a table ([{}])", key));
    }
    return node->as_table();
  }

 private:
  std::string_view source_;
};

// Reads [limits] through visit_limits.
class limits_reader {
 public:
  limits_reader(const toml_reader& reader, const toml::table& table)
      : reader_(reader), table_(table) {}

  template <typename T>
  void integer(std::string_view key, T& out, std::int64_t min, std::int64_t max) {
    reader_.integer(table_, key, name(key), out, min, max);
  }
  void boolean(std::string_view key, bool& out) { reader_.boolean(table_, key, name(key), out); }
  void seconds(std::string_view key, std::chrono::seconds& out, std::int64_t min,
               std::int64_t max) {
    auto count = static_cast<std::int64_t>(out.count());
    reader_.integer(table_, key, name(key), count, min, max);
    out = std::chrono::seconds(count);
  }
  void queue_policy(std::string_view key, core::queue_full_policy& out) {
    if (const auto index = reader_.choice(table_, key, name(key), queue_policy_names)) {
      out = static_cast<core::queue_full_policy>(*index);
    }
  }

 private:
  std::string name(std::string_view key) const { return fmt::format("limits.{}", key); }

  const toml_reader& reader_;
  const toml::table& table_;
};

// Collects the [limits] key names for the unknown-key check.
struct limits_keys {
  std::vector<std::string_view> names;
  template <typename T>
  void integer(std::string_view key, T&, std::int64_t, std::int64_t) {
    names.push_back(key);
  }
  void boolean(std::string_view key, const bool&) { names.push_back(key); }
  void seconds(std::string_view key, const std::chrono::seconds&, std::int64_t, std::int64_t) {
    names.push_back(key);
  }
  void queue_policy(std::string_view key, const core::queue_full_policy&) { names.push_back(key); }
};

// Writes [limits] through visit_limits.
struct limits_writer {
  toml::table& out;
  template <typename T>
  void integer(std::string_view key, const T& value, std::int64_t, std::int64_t) {
    out.insert_or_assign(key, static_cast<std::int64_t>(value));
  }
  void boolean(std::string_view key, bool value) { out.insert_or_assign(key, value); }
  void seconds(std::string_view key, std::chrono::seconds value, std::int64_t, std::int64_t) {
    out.insert_or_assign(key, static_cast<std::int64_t>(value.count()));
  }
  void queue_policy(std::string_view key, core::queue_full_policy value) {
    out.insert_or_assign(key, std::string(queue_policy_names[static_cast<std::size_t>(value)]));
  }
};

void read_limits(const toml_reader& reader, const toml::table& table, core::broker_limits& out) {
  limits_keys keys;
  visit_limits(out, keys);
  reader.check_keys(table, "limits", keys.names);
  limits_reader visitor(reader, table);
  visit_limits(out, visitor);
}

listener_entry read_listener(const toml_reader& reader, const toml::node& node) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    reader.fail(node.source(), "listener", "expected a table ([[listener]])");
  }
  reader.check_keys(
      *table, "[listener]",
      {"url", "allow_anonymous", "max_connections", "max_connection_rate", "defer_accept",
       "cert_file", "key_file", "ca_file", "require_certificate", "use_identity_as_username"});
  const auto* url = reader.string(*table, "url", "listener.url");
  if (url == nullptr) {
    reader.fail(node.source(), "listener", "url is required, e.g. url = \"mqtt://0.0.0.0:1883\"");
  }
  listener_entry entry;
  entry.origin = reader.origin(url->source());
  try {
    entry.config = net::parse_listener_url(url->get());
  } catch (const std::invalid_argument& e) {
    reader.fail(url->source(), "listener.url", e.what());
  }
  auto& tls = entry.config.tls;
  reader.boolean(*table, "allow_anonymous", "listener.allow_anonymous",
                 entry.config.allow_anonymous);
  reader.integer(*table, "max_connections", "listener.max_connections",
                 entry.config.max_connections, 0, no_upper_bound);
  reader.integer(*table, "max_connection_rate", "listener.max_connection_rate",
                 entry.config.max_connection_rate, 0, max_connection_rate);
  reader.integer(*table, "defer_accept", "listener.defer_accept", entry.config.defer_accept, 0,
                 max_defer_accept_seconds);
  reader.string(*table, "cert_file", "listener.cert_file", tls.cert_file);
  reader.string(*table, "key_file", "listener.key_file", tls.key_file);
  reader.string(*table, "ca_file", "listener.ca_file", tls.ca_file);
  reader.boolean(*table, "require_certificate", "listener.require_certificate",
                 tls.require_certificate);
  reader.boolean(*table, "use_identity_as_username", "listener.use_identity_as_username",
                 tls.use_identity_as_username);
  return entry;
}

void read_file(const toml_reader& reader, const toml::table& root, config& cfg,
               std::vector<listener_entry>& listeners) {
  reader.check_keys(root, "",
                    {"data_dir", "log_level", "max_connections", "threads", "auth", "listener",
                     "persistence", "limits", "admin"});
  std::string data_dir = cfg.data_dir.string();
  reader.string(root, "data_dir", "data_dir", data_dir);
  cfg.data_dir = data_dir;
  if (const auto index = reader.choice(root, "log_level", "log_level", log_level_names)) {
    cfg.log_level = static_cast<core::log_level>(*index);
  }
  reader.integer(root, "max_connections", "max_connections", cfg.max_connections, 0,
                 no_upper_bound);
  reader.integer(root, "threads", "threads", cfg.threads, 0, max_threads);
  if (const auto* auth = reader.table(root, "auth")) {
    reader.check_keys(*auth, "auth", {"password_file", "acl_file"});
    if (const auto* path = reader.string(*auth, "password_file", "auth.password_file")) {
      cfg.password_file = path->get();
    }
    if (const auto* path = reader.string(*auth, "acl_file", "auth.acl_file")) {
      cfg.acl_file = path->get();
    }
  }

  if (const toml::node* node = root.get("listener")) {
    const auto* array = node->as_array();
    if (array == nullptr) {
      reader.fail(node->source(), "listener", "expected an array of tables ([[listener]])");
    }
    for (const auto& element : *array) {
      listeners.push_back(read_listener(reader, element));
    }
  }

  if (const auto* persistence = reader.table(root, "persistence")) {
    reader.check_keys(*persistence, "persistence", {"durability", "recover"});
    if (const auto index =
            reader.choice(*persistence, "durability", "persistence.durability", durability_names)) {
      cfg.durability = static_cast<durability_mode>(*index);
    }
    reader.boolean(*persistence, "recover", "persistence.recover", cfg.db_recover);
  }

  if (const auto* limits = reader.table(root, "limits")) {
    read_limits(reader, *limits, cfg.limits);
  }

  if (const auto* section = reader.table(root, "admin")) {
    reader.check_keys(*section, "admin",
                      {"enabled", "listen", "metrics_without_token", "sys_interval", "top_topics"});
    reader.boolean(*section, "enabled", "admin.enabled", cfg.admin.enabled);
    if (const auto* value = reader.string(*section, "listen", "admin.listen")) {
      try {
        cfg.admin.listen = admin::parse_admin_address(value->get());
      } catch (const std::invalid_argument& e) {
        reader.fail(value->source(), "admin.listen", e.what());
      }
    }
    reader.boolean(*section, "metrics_without_token", "admin.metrics_without_token",
                   cfg.admin.metrics_without_token);
    auto interval = static_cast<std::int64_t>(cfg.admin.sys_interval.count());
    reader.integer(*section, "sys_interval", "admin.sys_interval", interval, 0, 86400);
    cfg.admin.sys_interval = std::chrono::seconds(interval);
    reader.integer(*section, "top_topics", "admin.top_topics", cfg.admin.top_topics, 0, 1'000'000);
  }
}

template <std::size_t N>
std::size_t cli_choice(std::string_view option, const std::string& value,
                       const std::string_view (&names)[N]) {
  const auto index = find_name(names, value);
  if (!index) {
    throw config_error(fmt::format("{}: '{}' is not one of {}", option, value, one_of(names)));
  }
  return *index;
}

void apply_overrides(const overrides& cli, config& cfg, std::vector<listener_entry>& listeners) {
  if (!cli.listen.empty()) {
    listeners.clear();
    for (const auto& url : cli.listen) {
      try {
        listeners.push_back({net::parse_listener_url(url), "--listen " + url});
      } catch (const std::invalid_argument& e) {
        throw config_error(fmt::format("--listen: {}", e.what()));
      }
    }
  }
  if (cli.data_dir) {
    cfg.data_dir = *cli.data_dir;
  }
  if (cli.log_level) {
    cfg.log_level =
        static_cast<core::log_level>(cli_choice("--log-level", *cli.log_level, log_level_names));
  }
  if (cli.durability) {
    cfg.durability =
        static_cast<durability_mode>(cli_choice("--durability", *cli.durability, durability_names));
  }
  if (cli.db_recover) {
    cfg.db_recover = *cli.db_recover;
  }
  if (cli.max_connections) {
    cfg.max_connections = *cli.max_connections;
  }
  if (cli.threads) {
    if (*cli.threads > static_cast<std::size_t>(max_threads)) {
      throw config_error(fmt::format("--threads: {} is more than {}", *cli.threads, max_threads));
    }
    cfg.threads = *cli.threads;
  }
  if (cli.password_file) {
    cfg.password_file = *cli.password_file;
  }
  if (cli.acl_file) {
    cfg.acl_file = *cli.acl_file;
  }
  if (cli.admin_listen) {
    cfg.admin.enabled = *cli.admin_listen != "off";
    if (cfg.admin.enabled) {
      try {
        cfg.admin.listen = admin::parse_admin_address(*cli.admin_listen);
      } catch (const std::invalid_argument& e) {
        throw config_error(fmt::format("--admin-listen: {}", e.what()));
      }
    }
  }
  for (auto& entry : listeners) {
    auto& l = entry.config;
    if (cli.allow_anonymous) {
      l.allow_anonymous = *cli.allow_anonymous;
    }
    if (!l.secure()) {
      continue;
    }
    l.tls.cert_file = cli.cert_file.value_or(l.tls.cert_file);
    l.tls.key_file = cli.key_file.value_or(l.tls.key_file);
    l.tls.ca_file = cli.ca_file.value_or(l.tls.ca_file);
    l.tls.require_certificate = cli.require_certificate.value_or(l.tls.require_certificate);
    l.tls.use_identity_as_username =
        cli.use_identity_as_username.value_or(l.tls.use_identity_as_username);
  }
}

void validate_listener(const listener_entry& entry) {
  const auto& l = entry.config;
  const auto fail = [&](std::string_view why) {
    throw config_error(fmt::format("{}: listener {}: {}", entry.origin, l.url, why));
  };
  if (!find_name(known_schemes, l.scheme)) {
    fail(fmt::format("unknown scheme '{}' (use {})", l.scheme, one_of(known_schemes)));
  }
  if (!l.path.empty() && (l.scheme == "mqtt" || l.scheme == "mqtts")) {
    fail("an MQTT listener URL takes no path");
  }
  if (l.secure()) {
    if (l.tls.cert_file.empty() || l.tls.key_file.empty()) {
      fail("a TLS listener needs cert_file and key_file");
    }
  } else if (l.tls != net::tls_settings{}) {
    fail(
        "cert_file, key_file, ca_file, require_certificate and use_identity_as_username apply "
        "only to mqtts:// and wss:// listeners");
  }
  if (l.tls.require_certificate && l.tls.ca_file.empty()) {
    fail("require_certificate needs ca_file, the CA that client certificates must chain to");
  }
  if (l.tls.use_identity_as_username && !l.tls.require_certificate) {
    fail("use_identity_as_username needs require_certificate = true");
  }
}

// MQTT for sensors and, where the WebSocket module is built in, MQTT over WebSocket and the
// HTTP bridge for browsers; both on this machine only until configured otherwise.
#ifdef TELEMQ_HAVE_BRIDGE_WS
constexpr const char* default_listener_urls[] = {"mqtt://127.0.0.1:1883", "ws://127.0.0.1:8080"};
#else
constexpr const char* default_listener_urls[] = {"mqtt://127.0.0.1:1883"};
#endif

config finish(config cfg, std::vector<listener_entry> listeners, const overrides& cli) {
  apply_overrides(cli, cfg, listeners);
  if (listeners.empty()) {
    for (const auto* url : default_listener_urls) {
      listeners.push_back({net::parse_listener_url(url), "default listener"});
      if (cli.allow_anonymous) {
        listeners.back().config.allow_anonymous = *cli.allow_anonymous;
      }
    }
  }
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    validate_listener(listeners[i]);
    for (std::size_t j = 0; j < i; ++j) {
      const auto& a = listeners[j].config;
      const auto& b = listeners[i].config;
      if (a.host == b.host && a.port == b.port) {
        const bool v6 = b.host.find(':') != std::string::npos;
        throw config_error(fmt::format("{}: listener {}: {}{}{}:{} is already used by {} ({})",
                                       listeners[i].origin, b.url, v6 ? "[" : "", b.host,
                                       v6 ? "]" : "", b.port, a.url, listeners[j].origin));
      }
    }
  }
  cfg.listeners.clear();
  for (auto& entry : listeners) {
    cfg.listeners.push_back(std::move(entry.config));
  }
  return cfg;
}

}  // namespace

config parse_config(std::string_view toml_text, std::string_view source_name,
                    const overrides& cli) {
  const toml_reader reader(source_name);
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    throw config_error(fmt::format("{}: {}", reader.origin(e.source()), e.description()));
  }
  config cfg;
  std::vector<listener_entry> listeners;
  read_file(reader, root, cfg, listeners);
  return finish(std::move(cfg), std::move(listeners), cli);
}

config load_config(const std::optional<std::filesystem::path>& file, const overrides& cli) {
  if (!file) {
    return finish(config{}, {}, cli);
  }
  std::ifstream in(*file);
  if (!in) {
    throw config_error(
        fmt::format("cannot read config file '{}': {}", file->string(), std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), file->string(), cli);
}

std::string to_toml(const config& cfg) {
  toml::table root;
  root.insert_or_assign("data_dir", cfg.data_dir.string());
  root.insert_or_assign("log_level", std::string(to_string(cfg.log_level)));
  root.insert_or_assign("max_connections", static_cast<std::int64_t>(cfg.max_connections));
  root.insert_or_assign("threads", static_cast<std::int64_t>(cfg.threads));
  toml::table auth;
  if (cfg.password_file) {
    auth.insert_or_assign("password_file", cfg.password_file->string());
  }
  if (cfg.acl_file) {
    auth.insert_or_assign("acl_file", cfg.acl_file->string());
  }
  if (!auth.empty()) {
    root.insert_or_assign("auth", std::move(auth));
  }

  toml::array listeners;
  for (const auto& l : cfg.listeners) {
    toml::table t;
    t.insert_or_assign("url", l.url);
    t.insert_or_assign("allow_anonymous", l.allow_anonymous);
    t.insert_or_assign("max_connections", static_cast<std::int64_t>(l.max_connections));
    t.insert_or_assign("max_connection_rate", static_cast<std::int64_t>(l.max_connection_rate));
    t.insert_or_assign("defer_accept", static_cast<std::int64_t>(l.defer_accept));
    if (l.secure()) {
      t.insert_or_assign("cert_file", l.tls.cert_file);
      t.insert_or_assign("key_file", l.tls.key_file);
      if (!l.tls.ca_file.empty()) {
        t.insert_or_assign("ca_file", l.tls.ca_file);
      }
      t.insert_or_assign("require_certificate", l.tls.require_certificate);
      t.insert_or_assign("use_identity_as_username", l.tls.use_identity_as_username);
    }
    listeners.push_back(std::move(t));
  }
  root.insert_or_assign("listener", std::move(listeners));

  toml::table persistence;
  persistence.insert_or_assign("durability", std::string(to_string(cfg.durability)));
  persistence.insert_or_assign("recover", cfg.db_recover);
  root.insert_or_assign("persistence", std::move(persistence));

  toml::table limits;
  limits_writer writer{limits};
  visit_limits(cfg.limits, writer);
  root.insert_or_assign("limits", std::move(limits));

  toml::table admin_table;
  admin_table.insert_or_assign("enabled", cfg.admin.enabled);
  admin_table.insert_or_assign("listen", admin::to_string(cfg.admin.listen));
  admin_table.insert_or_assign("metrics_without_token", cfg.admin.metrics_without_token);
  admin_table.insert_or_assign("sys_interval",
                               static_cast<std::int64_t>(cfg.admin.sys_interval.count()));
  admin_table.insert_or_assign("top_topics", static_cast<std::int64_t>(cfg.admin.top_topics));
  root.insert_or_assign("admin", std::move(admin_table));

  std::ostringstream out;
  out << root << '\n';
  return out.str();
}

std::string_view to_string(durability_mode mode) {
  return durability_names[static_cast<std::size_t>(mode)];
}

std::string_view to_string(core::log_level level) {
  return log_level_names[static_cast<std::size_t>(level)];
}

}  // namespace telemq::server
