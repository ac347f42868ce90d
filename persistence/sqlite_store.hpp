#pragma once
// The durable store: core::store on SQLite. Calls arrive on the broker's thread and are
// appended to a pending batch; one writer thread owns the connection, folds each batch into its
// net effect (write_plan.hpp), commits it in one transaction and then hands the batch's
// after_durable callbacks back to the broker thread. While one batch commits, the next
// accumulates: many acknowledgements share one commit. docs/durability.md has the whole story.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "broker/core/store.hpp"
#include "persistence/histogram.hpp"
#include "persistence/sqlite_options.hpp"
#include "persistence/store_error.hpp"
#include "persistence/write_plan.hpp"

namespace telemq::persistence {

class database;

struct store_stats {
  std::uint64_t operations = 0;        // store calls received
  std::uint64_t batches = 0;           // transactions committed
  std::uint64_t rows_written = 0;      // row changes committed, after coalescing
  std::uint64_t write_errors = 0;      // failed attempts to commit a batch (each retried)
  std::size_t pending_operations = 0;  // calls waiting for the next batch, now
  std::chrono::microseconds last_commit_latency{0};
  std::chrono::microseconds max_commit_latency{0};
  std::chrono::microseconds total_commit_latency{0};  // divided by batches: the mean
  // Every committed batch: how long its commit took, in microseconds, and how many store calls
  // it held.
  histogram_snapshot commit_latency_us;
  histogram_snapshot batch_operations;
};

class sqlite_store final : public core::store {
 public:
  // Opens (creating, migrating, or with options.recover replacing a corrupt file), reads the
  // database and starts the writer thread. Throws store_error, whose what() is one line for the
  // operator, when the file cannot be used; std::invalid_argument without post_to_broker.
  explicit sqlite_store(sqlite_options options);
  // close()
  ~sqlite_store() override;
  sqlite_store(const sqlite_store&) = delete;
  sqlite_store& operator=(const sqlite_store&) = delete;

  // The state read when the store opened, expired sessions and messages already removed. Once,
  // at start-up; throws std::logic_error when called again.
  core::store_snapshot load() override;

  void save_session(const core::stored_session& session) override;
  void delete_session(const std::string& client_id) override;
  void save_subscription(const core::stored_subscription& subscription) override;
  void delete_subscription(const std::string& client_id, const std::string& filter) override;
  void save_retained(const core::message_ptr& msg) override;
  void delete_retained(const std::string& topic) override;
  void save_message(const core::message_ptr& msg) override;
  void save_delivery(const core::stored_delivery& delivery) override;
  void delete_delivery(const std::string& client_id, std::uint64_t message_id) override;
  void save_incoming_qos2(const std::string& client_id, std::uint16_t packet_id) override;
  void delete_incoming_qos2(const std::string& client_id, std::uint16_t packet_id) override;

  // Runs done through post_to_broker once the calls made before it are committed, or at once
  // (on the calling thread) when nothing is waiting: no uncommitted call and no earlier callback
  // still to run, so the order of callbacks always holds.
  void after_durable(std::function<void()> done) override;
  // False exactly when after_durable would run its callback at once.
  bool has_pending_writes() const override;

  // Commits everything pending, posts the last callbacks and stops the writer; the file is
  // closed with its write-ahead log folded in. A write that keeps failing is retried for
  // options.close_timeout, then given up with an error logged (its callbacks never run). Calls
  // made after close() are logged and ignored.
  void close();

  // The database and its write-ahead log, in bytes.
  std::uint64_t size_bytes() const;
  store_stats stats() const;

 private:
  void enqueue(operation op);
  void run_writer();
  // Commits the plan, retrying with backoff until it succeeds; false only when closing and
  // options.close_timeout has passed.
  bool write_with_retry(const write_plan& plan);
  void post_callbacks(std::vector<std::function<void()>> callbacks);
  void log(core::log_level level, const std::string& line) const;
  bool writer_has_work() const;

  sqlite_options options_;
  std::unique_ptr<database> db_;  // the writer thread's, once it runs
  std::optional<core::store_snapshot> snapshot_;

  mutable std::mutex mutex_;
  std::condition_variable wake_writer_;
  std::vector<operation> pending_;
  std::vector<std::function<void()>> pending_callbacks_;
  std::chrono::steady_clock::time_point pending_since_;
  bool in_flight_ = false;  // the writer holds a batch it has not yet finished
  bool stopping_ = false;   // close() was called
  bool closed_ = false;     // the writer has finished; calls are refused
  std::chrono::steady_clock::time_point stopping_since_;
  // Batches of callbacks posted to the broker thread and not yet run. Shared with the posted
  // tasks, which may outlive the store.
  std::shared_ptr<std::atomic<std::size_t>> unrun_batches_;
  store_stats stats_;
  // Recorded by the writer thread, read by stats() without the lock.
  atomic_histogram commit_latency_us_{100,       250,       500,       1'000,     2'500,   5'000,
                                      10'000,    25'000,    50'000,    100'000,   250'000, 500'000,
                                      1'000'000, 2'500'000, 5'000'000, 10'000'000};
  atomic_histogram batch_operations_{1,   2,   5,     10,    20,    50,    100,
                                     200, 500, 1'000, 2'000, 5'000, 10'000};

  std::thread writer_;
};

}  // namespace telemq::persistence
