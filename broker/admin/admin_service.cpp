#include "broker/admin/admin_service.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "broker/admin/admin_api.hpp"
#include "broker/admin/admin_token.hpp"
#include "broker/admin/background_runner.hpp"
#include "broker/admin/http_server.hpp"
#include "broker/admin/sys_topics.hpp"
#include "broker/admin/telemetry.hpp"
#include "broker/core/broker.hpp"

namespace telemq::admin {
namespace {

namespace asio = boost::asio;

constexpr std::chrono::seconds tick_interval{1};

using timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>,
                                         asio::io_context::executor_type>;

}  // namespace

struct admin_service::impl {
  impl(admin_options opts, admin_environment env)
      : options(std::move(opts)),
        environment(std::move(env)),
        measures(environment.broker, environment.store, environment.connections, options.top_topics,
                 telemetry::clock::now()),
        background(make_thread_runner(environment.io)),
        sys(environment.version),
        tick_timer(environment.io.get_executor()) {
    if (!options.enabled) {
      return;
    }
    token_path = environment.data_dir / token_file_name;
    api.emplace(api_context{
        .broker = environment.broker,
        .measures = measures,
        .background = *background,
        .token = load_or_create_token(environment.data_dir),
        .metrics_without_token = options.metrics_without_token,
        .access = environment.access,
        .password_file = environment.password_file,
        .acl_file = environment.acl_file,
        .version = environment.version,
        .durability = environment.durability,
        .reload = environment.reload,
    });
    server.emplace(
        environment.io, options.listen,
        [this](const http_request& request, const responder& respond) {
          api->handle(request, respond);
        },
        environment.log);
  }

  void log(core::log_level level, const std::string& line) const {
    if (environment.log) {
      environment.log(level, line);
    }
  }

  void start() {
    if (options.top_topics > 0) {
      // The broker keeps its observers for its whole life; this one outlives the service
      // harmlessly, counting nothing once the service is gone.
      environment.broker.add_observer([tap = tap](const core::message_ptr& msg) {
        if (*tap != nullptr) {
          (*tap)->observe(*msg);
        }
      });
    }
    if (server) {
      server->start();
      struct stat info {};
      if (::stat(token_path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
        log(core::log_level::warn,
            fmt::format("event=admin_token_readable path=\"{}\" mode={:o} fix=\"chmod 600\"",
                        token_path.string(), info.st_mode & 0777));
      }
      log(core::log_level::info,
          fmt::format("event=admin_listening url={} token_file=\"{}\" metrics_without_token={}",
                      to_string(server->local_address()), token_path.string(),
                      options.metrics_without_token));
    }
    const auto now = telemetry::clock::now();
    next_tick = now;
    next_sys = now;
    tick();
  }

  void tick() {
    const auto now = telemetry::clock::now();
    measures.tick(now);
    if (options.sys_interval.count() > 0 && now >= next_sys) {
      publish_sys(now);
      next_sys += options.sys_interval;
    }
    // Deadlines advance by whole intervals, so the tick does not drift with the load.
    next_tick += tick_interval;
    if (next_tick <= now) {
      next_tick = now + tick_interval;
    }
    tick_timer.expires_at(next_tick);
    tick_timer.async_wait([this](const boost::system::error_code& ec) {
      if (!ec && !stopped) {
        tick();
      }
    });
  }

  void publish_sys(telemetry::clock::time_point now) {
    const auto wall = core::clock_type::now();
    for (auto& value : sys.update(measures.figures(now), measures.loads())) {
      auto msg = std::make_shared<core::message>();
      msg->topic = std::move(value.topic);
      msg->payload = std::move(value.payload);
      msg->retain = true;
      environment.broker.publish(std::move(msg), wall);
    }
  }

  void stop() {
    stopped = true;
    tick_timer.cancel();
    if (server) {
      server->stop();
    }
  }

  admin_options options;
  admin_environment environment;
  telemetry measures;
  // What the broker's observer reaches the telemetry through; emptied when the service goes.
  std::shared_ptr<telemetry*> tap = std::make_shared<telemetry*>(&measures);
  std::unique_ptr<background_runner> background;
  std::optional<admin_api> api;
  std::optional<http_server> server;
  std::filesystem::path token_path;
  sys_topics sys;
  timer tick_timer;
  telemetry::clock::time_point next_tick;
  telemetry::clock::time_point next_sys;
  bool stopped = false;
};

admin_service::admin_service(admin_options options, admin_environment environment)
    : impl_(std::make_unique<impl>(std::move(options), std::move(environment))) {}

admin_service::~admin_service() {
  *impl_->tap = nullptr;
  impl_->stop();
}

void admin_service::start() {
  impl_->start();
}

void admin_service::stop() {
  impl_->stop();
}

std::optional<admin_address> admin_service::local_address() const {
  if (!impl_->server) {
    return std::nullopt;
  }
  return impl_->server->local_address();
}

}  // namespace telemq::admin
