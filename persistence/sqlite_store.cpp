#include "persistence/sqlite_store.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <system_error>

#include "persistence/database.hpp"
#include "persistence/recovery.hpp"
#include "persistence/schema.hpp"

namespace telemq::persistence {

namespace {

using std::chrono::steady_clock;

// After this long without a batch the writer folds the write-ahead log into the database and
// truncates it, so an idle broker leaves one compact file behind.
constexpr auto idle_checkpoint_delay = std::chrono::seconds(1);
// A failing commit (full disk, I/O error, a lock held elsewhere) is retried from this delay,
// doubling up to the maximum: quick recovery from a blip, one log line per 5 s while it lasts.
constexpr auto first_retry_delay = std::chrono::milliseconds(10);
constexpr auto max_retry_delay = std::chrono::milliseconds(5000);

std::string_view to_string(durability mode) {
  return mode == durability::power ? "power" : "process";
}

}  // namespace

sqlite_store::sqlite_store(sqlite_options options)
    : options_(std::move(options)), unrun_batches_(std::make_shared<std::atomic<std::size_t>>(0)) {
  if (!options_.post_to_broker) {
    throw std::invalid_argument("sqlite_store needs post_to_broker to run callbacks");
  }
  options_.max_batch_operations = std::max<std::size_t>(options_.max_batch_operations, 1);
  opened_database opened = open_database(options_);
  db_ = std::move(opened.db);
  snapshot_ = std::move(opened.snapshot);
  log(core::log_level::info, "store opened: path=" + options_.path.string() +
                                 " durability=" + std::string(to_string(options_.mode)) +
                                 " schema_version=" + std::to_string(latest_schema_version()));
  writer_ = std::thread([this] { run_writer(); });
}

sqlite_store::~sqlite_store() {
  close();
}

core::store_snapshot sqlite_store::load() {
  if (!snapshot_) {
    throw std::logic_error("sqlite_store::load() is called once, at start-up");
  }
  core::store_snapshot snapshot = std::move(*snapshot_);
  snapshot_.reset();
  return snapshot;
}

void sqlite_store::save_session(const core::stored_session& session) {
  enqueue(save_session_op{session});
}

void sqlite_store::delete_session(const std::string& client_id) {
  enqueue(delete_session_op{client_id});
}

void sqlite_store::save_subscription(const core::stored_subscription& subscription) {
  enqueue(save_subscription_op{subscription});
}

void sqlite_store::delete_subscription(const std::string& client_id, const std::string& filter) {
  enqueue(delete_subscription_op{client_id, filter});
}

void sqlite_store::save_retained(const core::message_ptr& msg) {
  enqueue(save_retained_op{msg});
}

void sqlite_store::delete_retained(const std::string& topic) {
  enqueue(delete_retained_op{topic});
}

void sqlite_store::save_message(const core::message_ptr& msg) {
  enqueue(save_message_op{msg});
}

void sqlite_store::save_delivery(const core::stored_delivery& delivery) {
  enqueue(save_delivery_op{delivery});
}

void sqlite_store::delete_delivery(const std::string& client_id, std::uint64_t message_id) {
  enqueue(delete_delivery_op{client_id, message_id});
}

void sqlite_store::save_incoming_qos2(const std::string& client_id, std::uint16_t packet_id) {
  enqueue(save_incoming_qos2_op{client_id, packet_id});
}

void sqlite_store::delete_incoming_qos2(const std::string& client_id, std::uint16_t packet_id) {
  enqueue(delete_incoming_qos2_op{client_id, packet_id});
}

void sqlite_store::enqueue(operation op) {
  bool refused = false;
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    refused = closed_;
    if (!refused) {
      // The writer sleeps without a deadline while nothing is pending, and the limit closes a
      // batch early: only these two moments need it.
      wake = pending_.empty();
      if (wake) {
        pending_since_ = steady_clock::now();
      }
      pending_.push_back(std::move(op));
      wake = wake || pending_.size() == options_.max_batch_operations;
      ++stats_.operations;
    }
  }
  if (refused) {
    log(core::log_level::error, "store call after close() ignored");
  } else if (wake) {
    wake_writer_.notify_one();
  }
}

void sqlite_store::after_durable(std::function<void()> done) {
  std::unique_lock lock(mutex_);
  if (closed_) {
    lock.unlock();
    log(core::log_level::error, "store after_durable after close() ignored");
    return;
  }
  if (pending_.empty() && pending_callbacks_.empty() && !in_flight_ && *unrun_batches_ == 0) {
    lock.unlock();
    done();
    return;
  }
  // Nothing pending means the callback waits only for the batch in flight: wake the writer to
  // post it right after, instead of at the deadline of a batch that has not begun.
  const bool wake = pending_.empty() && pending_callbacks_.empty();
  pending_callbacks_.push_back(std::move(done));
  lock.unlock();
  if (wake) {
    wake_writer_.notify_one();
  }
}

bool sqlite_store::has_pending_writes() const {
  std::lock_guard lock(mutex_);
  return !pending_.empty() || !pending_callbacks_.empty() || in_flight_ || *unrun_batches_ != 0;
}

void sqlite_store::close() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return;
    }
    stopping_ = true;
    stopping_since_ = steady_clock::now();
  }
  wake_writer_.notify_one();
  writer_.join();
  // Closing the last connection folds the write-ahead log in and deletes it.
  db_.reset();
}

std::uint64_t sqlite_store::size_bytes() const {
  std::uint64_t total = 0;
  for (const auto& file : {options_.path, std::filesystem::path(options_.path.string() + "-wal")}) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    total += ec ? 0 : size;
  }
  return total;
}

store_stats sqlite_store::stats() const {
  store_stats copy;
  {
    std::lock_guard lock(mutex_);
    copy = stats_;
    copy.pending_operations = pending_.size();
  }
  copy.commit_latency_us = commit_latency_us_.read();
  copy.batch_operations = batch_operations_.read();
  return copy;
}

bool sqlite_store::writer_has_work() const {
  return stopping_ || !pending_.empty() || !pending_callbacks_.empty();
}

void sqlite_store::run_writer() {
  std::vector<operation> batch;
  std::vector<std::function<void()>> callbacks;
  bool checkpoint_due = false;
  std::unique_lock lock(mutex_);
  for (;;) {
    if (pending_.empty() && pending_callbacks_.empty()) {
      if (stopping_) {
        break;
      }
      if (!checkpoint_due) {
        wake_writer_.wait(lock, [this] { return writer_has_work(); });
      } else if (!wake_writer_.wait_for(lock, idle_checkpoint_delay,
                                        [this] { return writer_has_work(); })) {
        checkpoint_due = false;
        lock.unlock();
        try {
          db_->checkpoint();
        } catch (const std::exception& e) {
          log(core::log_level::warn,
              std::string("store checkpoint failed: error=\"") + e.what() + "\"");
        }
        lock.lock();
      }
      continue;
    }
    // Callbacks alone go at once: everything before them is committed.
    if (!pending_.empty() && !stopping_) {
      wake_writer_.wait_until(lock, pending_since_ + options_.max_batch_delay, [this] {
        return stopping_ || pending_.size() >= options_.max_batch_operations;
      });
    }
    batch.swap(pending_);
    callbacks.swap(pending_callbacks_);
    in_flight_ = true;
    lock.unlock();

    bool durable = true;
    const std::size_t operations = batch.size();
    std::size_t rows = 0;
    std::chrono::microseconds latency{0};
    {
      // Dropped before the lock is taken again: freeing thousands of messages would hold up
      // the broker thread.
      const write_plan plan = plan_batch(batch);
      rows = plan.size();
      if (rows > 0) {
        const auto start = steady_clock::now();
        durable = write_with_retry(plan);
        latency =
            std::chrono::duration_cast<std::chrono::microseconds>(steady_clock::now() - start);
        checkpoint_due = true;
      }
    }
    if (durable && rows > 0) {
      commit_latency_us_.record(static_cast<std::uint64_t>(latency.count()));
      batch_operations_.record(operations);
    }
    if (!durable) {
      log(core::log_level::error, "store dropped the callbacks of an unwritten batch: callbacks=" +
                                      std::to_string(callbacks.size()));
      callbacks.clear();
    }

    lock.lock();
    in_flight_ = false;
    if (durable && rows > 0) {
      ++stats_.batches;
      stats_.rows_written += rows;
      stats_.last_commit_latency = latency;
      stats_.max_commit_latency = std::max(stats_.max_commit_latency, latency);
      stats_.total_commit_latency += latency;
    }
    if (!callbacks.empty()) {
      // Counted before the lock drops, so after_durable cannot run a newer callback at once
      // while these are on their way.
      ++*unrun_batches_;
      lock.unlock();
      post_callbacks(std::exchange(callbacks, {}));
      lock.lock();
    }
  }
  closed_ = true;
}

bool sqlite_store::write_with_retry(const write_plan& plan) {
  auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(first_retry_delay);
  for (int attempt = 1;; ++attempt) {
    try {
      db_->write(plan);
      if (attempt > 1) {
        log(core::log_level::warn,
            "store write succeeded after retries: attempts=" + std::to_string(attempt));
      }
      return true;
    } catch (const std::exception& e) {
      bool give_up = false;
      {
        std::lock_guard lock(mutex_);
        ++stats_.write_errors;
        give_up = stopping_ && steady_clock::now() - stopping_since_ >= options_.close_timeout;
      }
      const std::string context = " attempt=" + std::to_string(attempt) +
                                  " rows=" + std::to_string(plan.size()) + " error=\"" + e.what() +
                                  "\"";
      if (give_up) {
        log(core::log_level::error, "store gave up writing a batch at close:" + context);
        return false;
      }
      log(core::log_level::error,
          "store write failed, retrying: retry_in_ms=" + std::to_string(delay.count()) + context);
      std::this_thread::sleep_for(delay);
      delay = std::min(delay * 2, max_retry_delay);
    }
  }
}

void sqlite_store::post_callbacks(std::vector<std::function<void()>> callbacks) {
  options_.post_to_broker([callbacks = std::move(callbacks), unrun = unrun_batches_] {
    // Counted down even if a callback throws, or after_durable would never run at once again.
    struct counted {
      std::atomic<std::size_t>& batches;
      ~counted() { --batches; }
    } guard{*unrun};
    for (const auto& done : callbacks) {
      done();
    }
  });
}

void sqlite_store::log(core::log_level level, const std::string& line) const {
  if (options_.log) {
    options_.log(level, line);
  }
}

}  // namespace telemq::persistence
