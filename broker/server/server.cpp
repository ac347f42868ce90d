#include "broker/server/server.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "broker/admin/admin_service.hpp"
#include "broker/auth/file_access_control.hpp"
#include "broker/auth/passwd_command.hpp"
#include "broker/core/broker.hpp"
#include "broker/net/connection_set.hpp"
#include "broker/net/io_threads.hpp"
#include "broker/net/listener.hpp"
#include "broker/net/tls_context.hpp"
#include "broker/server/command_line.hpp"
#include "broker/server/config.hpp"
#include "broker/server/descriptor_table.hpp"
#include "broker/server/logging.hpp"
#include "broker/server/store_factory.hpp"
#include "broker/server/systemd_notify.hpp"
#include "broker/server/version.hpp"
#include "persistence/sqlite_store.hpp"

#ifdef TELEMQ_HAVE_BRIDGE_WS
#include "bridge-ws/listeners.hpp"
#endif

namespace telemq::server {

namespace {

namespace asio = boost::asio;

// How often the core's timers (keep-alive, will delay, expiry) are checked.
constexpr std::chrono::milliseconds tick_interval{100};
// How long connections get to flush their last packets after SIGINT or SIGTERM.
constexpr std::chrono::seconds shutdown_grace{1};

using timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>,
                                         asio::io_context::executor_type>;

std::string_view signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    default:
      return "signal";
  }
}

// A log value that may hold spaces.
std::string log_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + '"';
}

net::listener_registry default_registry() {
  net::listener_registry registry;
  net::add_mqtt_listeners(registry);
#ifdef TELEMQ_HAVE_BRIDGE_WS
  bridge_ws::add_ws_listeners(registry);
#endif
  return registry;
}

// Refuses what the configuration allows but this build cannot serve, before anything starts.
void check_transports(const config& cfg, const net::listener_registry& registry) {
  for (const auto& l : cfg.listeners) {
    if (registry.find(l.scheme) == nullptr) {
      throw config_error(
          fmt::format("listener {}: {}:// listeners need the bridge-ws module", l.url, l.scheme));
    }
  }
}

bool same_address(const net::listener_config& a, const net::listener_config& b) {
  return a.scheme == b.scheme && a.host == b.host && a.port == b.port;
}

// "admin.listen,admin.sys_interval": the keys named whose values differ, comma-separated.
std::string changed_keys(std::initializer_list<std::pair<std::string_view, bool>> keys) {
  std::string out;
  for (const auto& [key, changed] : keys) {
    if (changed) {
      out += (out.empty() ? "" : ",") + std::string(key);
    }
  }
  return out;
}

// What a reload cannot apply: the keys are read at start only.
std::string changed_admin_keys(const admin::admin_options& a, const admin::admin_options& b) {
  return changed_keys(
      {{"admin.enabled", a.enabled != b.enabled},
       {"admin.listen", a.listen != b.listen},
       {"admin.metrics_without_token", a.metrics_without_token != b.metrics_without_token},
       {"admin.sys_interval", a.sys_interval != b.sys_interval},
       {"admin.top_topics", a.top_topics != b.top_topics}});
}

std::string changed_auth_keys(const config& a, const config& b) {
  return changed_keys({{"auth.password_file", a.password_file != b.password_file},
                       {"auth.acl_file", a.acl_file != b.acl_file}});
}

std::string changed_storage_keys(const config& a, const config& b) {
  return changed_keys({{"data_dir", a.data_dir != b.data_dir},
                       {"persistence.durability", a.durability != b.durability},
                       {"persistence.recover", a.db_recover != b.db_recover}});
}

class broker_daemon {
 public:
  broker_daemon(config cfg, command_line options, const net::listener_registry& registry,
                std::shared_ptr<spdlog::logger> logger)
      : config_(std::move(cfg)),
        options_(std::move(options)),
        logger_(std::move(logger)),
        log_(make_log_sink(logger_)),
        store_(
            make_store(config_, log_,
                       [this](std::function<void()> done) { asio::post(io_, std::move(done)); })),
        access_(auth::file_access_control_options{config_.password_file, config_.acl_file, log_}),
        broker_(config_.limits, *store_, access_, log_, core::clock_type::now()),
        threads_(io_, config_.threads == 0 ? net::default_thread_count(net::usable_cpus())
                                           : config_.threads),
        connections_(io_, log_),
        environment_{io_, broker_, connections_, access_, log_, &threads_},
        signals_(io_, SIGINT, SIGTERM, SIGHUP),
        tick_timer_(io_.get_executor()),
        stop_timer_(io_.get_executor()),
        watchdog_timer_(io_.get_executor()) {
    connections_.set_max_connections(config_.max_connections);
    broker_.set_log_level(config_.log_level);
    // Bound before anything else happens, so that a busy port fails the start at once.
    for (const auto& l : config_.listeners) {
      listeners_.push_back((*registry.find(l.scheme))(l, environment_));
    }
    // Binds the admin listener (a busy port fails the start too) and reads or creates
    // DATA_DIR/admin.token.
    admin_ = std::make_unique<admin::admin_service>(
        config_.admin, admin::admin_environment{
                           .io = io_,
                           .broker = broker_,
                           .access = &access_,
                           .password_file = config_.password_file,
                           .acl_file = config_.acl_file,
                           .data_dir = config_.data_dir,
                           .store = dynamic_cast<const persistence::sqlite_store*>(store_.get()),
                           .connections = &connections_,
                           .version = std::string(version()),
                           .durability = std::string(to_string(config_.durability)),
                           .reload = [this] { return reload_notifying_systemd(); },
                           .log = log_,
                       });
  }

  int run() {
    log(core::log_level::info,
        fmt::format("event=start version={} data_dir={} durability={} log_level={} threads={}",
                    version(), log_quoted(config_.data_dir.string()), to_string(config_.durability),
                    to_string(config_.log_level), threads_.size()));
    broker_.restore(core::clock_type::now());
    for (std::size_t i = 0; i < listeners_.size(); ++i) {
      for (const auto& address : listeners_[i]->addresses()) {
        log(core::log_level::info,
            fmt::format("event=listening url={} address={} allow_anonymous={} max_connections={} "
                        "max_connection_rate={}",
                        config_.listeners[i].url, address, config_.listeners[i].allow_anonymous,
                        config_.listeners[i].max_connections,
                        config_.listeners[i].max_connection_rate));
      }
    }
    admin_->start();
    wait_for_signal();
    schedule_tick();
    // Every listener is bound (in the constructor) and the store restored: clients can come.
    start_systemd_notifications();
    io_.run();
    threads_.stop();
    log(core::log_level::info, "event=stopped");
    return 0;
  }

 private:
  void log(core::log_level level, const std::string& line) const { log_(level, line); }

  void wait_for_signal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
      if (ec) {
        return;
      }
      if (signal != SIGHUP) {
        stop(signal);
        return;
      }
      reload_notifying_systemd();
      wait_for_signal();
    });
  }

  // A failure is logged once until a notification goes through again.
  void notify_systemd(std::string_view state) {
    const bool sent = systemd_.notify(state);
    if (!sent && !notify_failing_) {
      log(core::log_level::warn,
          fmt::format("event=sd_notify_failed state={} socket={} error={}", log_quoted(state),
                      log_quoted(systemd_.socket_name()), log_quoted(std::strerror(errno))));
    }
    notify_failing_ = !sent;
  }

  // READY=1, and WATCHDOG=1 at half of $WATCHDOG_USEC from the broker thread, so that a stuck
  // thread stops the pings and systemd restarts the service.
  void start_systemd_notifications() {
    if (!systemd_.problem().empty()) {
      log(core::log_level::warn,
          fmt::format("event=sd_notify_unusable error={}", log_quoted(systemd_.problem())));
    }
    notify_systemd("READY=1");
    if (const auto interval = systemd_.watchdog_interval()) {
      log(core::log_level::info,
          fmt::format("event=watchdog interval_ms={}", interval->count() / 1000));
      feed_watchdog(*interval);
    }
  }

  void feed_watchdog(std::chrono::microseconds interval) {
    notify_systemd("WATCHDOG=1");
    watchdog_timer_.expires_after(interval);
    watchdog_timer_.async_wait([this, interval](const boost::system::error_code& ec) {
      if (!ec && !stopping_) {
        feed_watchdog(interval);
      }
    });
  }

  void schedule_tick() {
    tick_timer_.expires_after(tick_interval);
    tick_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping_) {
        return;
      }
      broker_.tick(core::clock_type::now());
      schedule_tick();
    });
  }

  // Stop accepting, let the core say goodbye (DISCONNECT 0x8B to 5.0 clients), give writes a
  // moment, then end what is left. A second signal ends it at once. io_.run() returns when the
  // last connection is gone.
  void stop(int signal) {
    if (stopping_) {
      log(core::log_level::warn, fmt::format("event=stop_now signal={} connections={}",
                                             signal_name(signal), connections_.size()));
      connections_.abort_all();
      return;
    }
    stopping_ = true;
    notify_systemd("STOPPING=1");
    log(core::log_level::info, fmt::format("event=stopping signal={} connections={}",
                                           signal_name(signal), connections_.size()));
    for (const auto& l : listeners_) {
      l->stop();
    }
    admin_->stop();
    tick_timer_.cancel();
    watchdog_timer_.cancel();
    broker_.shutdown(core::clock_type::now());
    stop_timer_.expires_after(shutdown_grace);
    stop_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) {
        log(core::log_level::warn,
            fmt::format("event=shutdown_timeout connections={}", connections_.size()));
        connections_.abort_all();
      }
    });
    wait_for_signal();
    connections_.when_empty([this] {
      stop_timer_.cancel();
      signals_.cancel();
    });
  }

  // SIGHUP and POST /api/v1/reload: reload() between RELOADING=1 and READY=1, so that systemd
  // (and `systemctl reload`) sees the reload start and end whichever way it was asked for.
  std::vector<std::string> reload_notifying_systemd() {
    if (stopping_) {
      return {"the broker is stopping"};
    }
    notify_systemd(reloading_notification());
    auto problems = reload();
    notify_systemd("READY=1");
    return problems;
  }

  // Re-reads the configuration and applies what can change while running. Returns what could
  // not be applied (for the admin API's answer).
  std::vector<std::string> reload() {
    std::vector<std::string> problems;
    config next;
    try {
      next = load_config(options_.config_file, options_.set);
    } catch (const std::exception& e) {
      log(core::log_level::error,
          fmt::format("event=reload_failed error={} action=\"kept the running configuration\"",
                      log_quoted(e.what())));
      problems.emplace_back(e.what());
      return problems;
    }
    set_level(*logger_, next.log_level);
    broker_.set_log_level(next.log_level);
    config_.log_level = next.log_level;
    broker_.set_limits(next.limits);
    config_.limits = next.limits;
    connections_.set_max_connections(next.max_connections);
    config_.max_connections = next.max_connections;
    // A broken password or ACL file keeps the rules in force; reload() has logged why.
    for (auto& problem : access_.reload()) {
      problems.push_back(std::move(problem));
    }
    if (const auto keys = changed_auth_keys(config_, next); !keys.empty()) {
      warn_restart("key=" + keys + " change=modified");
    }

    for (std::size_t i = 0; i < listeners_.size(); ++i) {
      auto& current = config_.listeners[i];
      const auto updated = std::find_if(next.listeners.begin(), next.listeners.end(),
                                        [&](const auto& l) { return same_address(l, current); });
      if (updated == next.listeners.end()) {
        warn_restart("listener=" + current.url + " change=removed");
        continue;
      }
      try {
        listeners_[i]->reload(*updated);
        current = *updated;
      } catch (const std::exception& e) {
        log(core::log_level::error, fmt::format("event=reload_failed listener={} error={}",
                                                current.url, log_quoted(e.what())));
        problems.push_back(fmt::format("listener {}: {}", current.url, e.what()));
      }
    }
    for (const auto& l : next.listeners) {
      if (std::none_of(config_.listeners.begin(), config_.listeners.end(),
                       [&](const auto& current) { return same_address(l, current); })) {
        warn_restart("listener=" + l.url + " change=added");
      }
    }
    if (next.threads != config_.threads) {
      warn_restart("key=threads change=modified");
    }
    if (const auto keys = changed_storage_keys(config_, next); !keys.empty()) {
      warn_restart("key=" + keys + " change=modified");
    }
    if (const auto keys = changed_admin_keys(config_.admin, next.admin); !keys.empty()) {
      warn_restart("key=" + keys + " change=modified");
    }
    log(core::log_level::info, fmt::format("event=reloaded log_level={} listeners={}",
                                           to_string(config_.log_level), listeners_.size()));
    return problems;
  }

  void warn_restart(const std::string& what) {
    log(core::log_level::warn,
        fmt::format("event=reload_ignored {} reason=\"listener addresses, the auth file paths, "
                    "threads, data_dir, [persistence] and [admin] take effect at the next start\"",
                    what));
  }

  config config_;
  command_line options_;
  std::shared_ptr<spdlog::logger> logger_;
  core::log_sink log_;
  // Declared before everything that posts to it or holds its handlers, so it is destroyed last.
  asio::io_context io_{1};
  std::unique_ptr<core::store> store_;
  auth::file_access_control access_;
  core::broker broker_;
  // Stopped when io_ has run out of work; destroyed before it.
  net::io_threads threads_;
  net::connection_set connections_;
  net::listener_environment environment_;
  std::vector<std::unique_ptr<net::listener>> listeners_;  // one per config_.listeners entry
  std::unique_ptr<admin::admin_service> admin_;
  asio::signal_set signals_;
  timer tick_timer_;
  timer stop_timer_;
  systemd_notifier systemd_;  // reads $NOTIFY_SOCKET and $WATCHDOG_USEC
  timer watchdog_timer_;
  bool notify_failing_ = false;
  bool stopping_ = false;
};

}  // namespace

int run(int argc, const char* const argv[]) {
  if (argc > 1 && std::string_view(argv[1]) == "passwd") {
    return auth::run_passwd(argc - 1, const_cast<char**>(argv + 1));
  }
  auto parsed = parse_command_line(argc, argv, std::cout, std::cerr);
  if (parsed.exit_code) {
    return *parsed.exit_code;
  }
  auto& options = parsed.options;
  try {
    const auto registry = default_registry();
    config cfg = load_config(options.config_file, options.set);
    check_transports(cfg, registry);
    if (options.check_config) {
      for (const auto& l : cfg.listeners) {
        if (l.secure()) {
          net::make_tls_context(l.tls);
        }
      }
      std::cout << to_toml(cfg);
      return 0;
    }
    // A write to a socket the peer has closed must be an error, not the end of the process.
    std::signal(SIGPIPE, SIG_IGN);
    prepare_descriptor_table(descriptor_slots_for(cfg.max_connections));
    std::error_code ec;
    std::filesystem::create_directories(cfg.data_dir, ec);
    if (ec) {
      throw std::runtime_error(fmt::format("cannot create data directory '{}': {}",
                                           cfg.data_dir.string(), ec.message()));
    }
    auto logger = make_logger(cfg.log_level);
    broker_daemon daemon(std::move(cfg), std::move(options), registry, std::move(logger));
    return daemon.run();
  } catch (const std::exception& e) {
    std::cerr << "telemq: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace telemq::server
