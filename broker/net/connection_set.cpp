#include "broker/net/connection_set.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <utility>

namespace telemq::net {

connection_set::connection_set(boost::asio::io_context& io, core::log_sink log)
    : io_(io), log_(std::move(log)) {}

connection_set::~connection_set() {
  // Connections that outlive the set (held by handlers the io_context has not destroyed yet)
  // must find themselves unlinked.
  to_write_.clear();
  live_.clear_and_dispose([](connection_base* connection) { connection->listener_ = nullptr; });
}

void connection_set::add(connection_base& connection) {
  live_.push_back(connection);
  if (admitting_ != nullptr) {
    connection.listener_ = admitting_;
    ++admitting_->open;
  }
}

void connection_set::remove(connection_base& connection) {
  drop_deadline(connection);
  if (!connection.is_linked()) {
    return;
  }
  live_.erase(live_.iterator_to(connection));
  if (connection.listener_ != nullptr) {
    --connection.listener_->open;
    connection.listener_ = nullptr;
  }
  if (live_.empty() && on_empty_) {
    std::exchange(on_empty_, nullptr)();
  }
}

connection_timer& connection_set::deadline(const connection_base& connection) {
  auto& timer = deadlines_[&connection];
  if (!timer) {
    timer = std::make_unique<connection_timer>(io_.get_executor());
  }
  return *timer;
}

void connection_set::drop_deadline(const connection_base& connection) {
  if (!deadlines_.empty()) {
    deadlines_.erase(&connection);
  }
}

void connection_set::schedule_write(connection_base& connection) {
  if (connection.write_scheduled_) {
    return;
  }
  connection.write_scheduled_ = true;
  to_write_.push_back(connection.shared_from_this());
  if (!write_posted_) {
    write_posted_ = true;
    boost::asio::post(io_, [this] {
      write_posted_ = false;
      write_scheduled();
    });
  }
}

void connection_set::write_scheduled() {
  // Writes may schedule more writes (a failed write closes a connection and the core reacts):
  // those go to the next round.
  std::vector<std::shared_ptr<connection_base>> batch;
  batch.swap(to_write_);
  for (const auto& connection : batch) {
    connection->write_scheduled_ = false;
    connection->write_queued();
  }
  batch.clear();
  if (to_write_.empty()) {
    to_write_.swap(batch);  // keeps the capacity for the next round
  }
}

void connection_set::abort_all() {
  // abort() removes the connection from live_, so take them from the front one by one.
  while (!live_.empty()) {
    auto keep_alive = live_.front().shared_from_this();
    keep_alive->abort();
    remove(*keep_alive);
  }
}

void connection_set::when_empty(std::function<void()> done) {
  if (live_.empty()) {
    done();
    return;
  }
  on_empty_ = std::move(done);
}

}  // namespace telemq::net
