#include "broker/server/store_factory.hpp"

#include "broker/core/memory_store.hpp"
#include "persistence/sqlite_store.hpp"

namespace telemq::server {

std::unique_ptr<core::store> make_store(const config& cfg, const core::log_sink& log,
                                        broker_thread_post post_to_broker) {
  if (cfg.durability == durability_mode::memory) {
    return std::make_unique<core::memory_store>();
  }
  persistence::sqlite_options options;
  options.path = cfg.data_dir / "telemq.db";
  options.mode = cfg.durability == durability_mode::power ? persistence::durability::power
                                                          : persistence::durability::process;
  options.recover = cfg.db_recover;
  options.post_to_broker = std::move(post_to_broker);
  options.log = log;
  return std::make_unique<persistence::sqlite_store>(std::move(options));
}

}  // namespace telemq::server
