#pragma once
// The one place that decides which store the broker runs on.
#include <functional>
#include <memory>

#include "broker/core/log.hpp"
#include "broker/core/store.hpp"
#include "broker/server/config.hpp"

namespace telemq::server {

// Runs a function on the broker thread; stores call it from their own threads.
using broker_thread_post = std::function<void(std::function<void()>)>;

// memory: core::memory_store; process and power: the SQLite store in cfg.data_dir (telemq.db).
// Throws (one line for the operator) when the database cannot be used.
std::unique_ptr<core::store> make_store(const config& cfg, const core::log_sink& log,
                                        broker_thread_post post_to_broker);

}  // namespace telemq::server
