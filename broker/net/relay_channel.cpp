#include "broker/net/relay_channel.hpp"

#include <boost/asio/post.hpp>

#include "broker/net/io_threads.hpp"

namespace telemq::net {

relay_channel::relay_channel(io_thread& thread, accepted_socket socket)
    : thread_(thread), socket_(std::move(socket)) {}

relay_channel::~relay_channel() = default;

template <typename Handler, typename... Args>
void relay_channel::complete(Handler& pending, Args&&... args) {
  // Emptied before the call, which may store the next handler.
  Handler handler = std::move(pending);
  pending = Handler();
  if (handler) {
    handler(std::forward<Args>(args)...);
  }
}

void relay_channel::async_start(core::connection_info info, start_handler handler) {
  starting_ = std::make_unique<starting>(starting{std::move(handler), info});
  thread_.to_io().send_info(shared_from_this(), relay_op::start, {}, std::move(info));
}

void relay_channel::async_read(read_handler handler) {
  read_ = std::move(handler);
  if (backlog_) {
    boost::asio::post(thread_.broker_io(),
                      [self = shared_from_this()] { self->deliver_backlog(); });
  }
}

void relay_channel::async_write(std::span<const std::uint8_t> bytes, done_handler handler) {
  done_ = std::move(handler);
  thread_.to_io().send(shared_from_this(), relay_op::write, {}, bytes);
}

void relay_channel::async_shutdown(done_handler handler) {
  done_ = std::move(handler);
  thread_.to_io().send(shared_from_this(), relay_op::shutdown);
}

void relay_channel::close() {
  if (closed_) {
    return;
  }
  closed_ = true;
  thread_.to_io().send(shared_from_this(), relay_op::close);
  backlog_.reset();
  // The pending operations end now, as a closed socket's would, so that the broker thread is
  // done with the connection whatever the I/O thread is doing.
  boost::asio::post(thread_.broker_io(), [start = std::move(starting_), read = std::move(read_),
                                          done = std::move(done_)]() mutable {
    const error_code aborted = boost::asio::error::operation_aborted;
    if (start) {
      complete(start->handler, aborted, std::move(start->info));
    }
    complete(read, aborted, std::span<const std::uint8_t>());
    complete(done, aborted);
  });
}

void relay_channel::receive(relay_message& message, relay_batch& batch) {
  switch (message.op) {
    case relay_op::start:
      adopt(std::move(batch.infos[message.offset]));
      break;
    case relay_op::write:
      write_stream(batch.bytes_of(message));
      break;
    case relay_op::consumed:
      reads_consumed(message.count);
      break;
    case relay_op::shutdown:
      shutdown_stream();
      break;
    case relay_op::close:
      end_stream();
      break;
    case relay_op::started:
      on_started(message.ec, std::move(batch.infos[message.offset]));
      break;
    case relay_op::read:
      on_read(message.ec, batch.bytes_of(message));
      break;
    case relay_op::written:
    case relay_op::shut_down:
      if (!closed_) {
        complete(done_, message.ec);
      }
      break;
  }
}

void relay_channel::adopt(core::connection_info info) {
  if (socket_.descriptor() < 0) {
    report_started(boost::asio::error::bad_descriptor, std::move(info));
    return;
  }
  start_stream(std::move(socket_), std::move(info));
}

void relay_channel::report(relay_op op, const error_code& ec, std::span<const std::uint8_t> bytes) {
  thread_.to_broker().send(shared_from_this(), op, ec, bytes);
}

void relay_channel::report_started(const error_code& ec, core::connection_info info) {
  thread_.to_broker().send_info(shared_from_this(), relay_op::started, ec, std::move(info));
}

boost::asio::io_context& relay_channel::io() {
  return thread_.io();
}

void relay_channel::stream_created() {
  thread_.track(*this);
}

void relay_channel::stream_destroyed() {
  thread_.untrack(*this);
}

void relay_channel::on_started(const error_code& ec, core::connection_info info) {
  if (closed_) {
    return;
  }
  if (auto start = std::exchange(starting_, nullptr)) {
    start->handler(ec, std::move(info));
  }
}

void relay_channel::on_read(const error_code& ec, std::span<const std::uint8_t> bytes) {
  if (closed_) {
    return;
  }
  if (!read_ || backlog_) {
    if (!backlog_) {
      backlog_ = std::make_unique<std::vector<unread>>();
    }
    backlog_->push_back({ec, protocol::byte_buffer(bytes.begin(), bytes.end())});
    return;
  }
  thread_.to_io().send_count(shared_from_this(), relay_op::consumed, 1);
  complete(read_, ec, bytes);
}

void relay_channel::deliver_backlog() {
  if (closed_ || !read_ || !backlog_) {
    return;
  }
  auto next = std::move(backlog_->front());
  backlog_->erase(backlog_->begin());
  if (backlog_->empty()) {
    backlog_.reset();
  }
  thread_.to_io().send_count(shared_from_this(), relay_op::consumed, 1);
  complete(read_, next.ec, std::span<const std::uint8_t>(next.bytes));
}

}  // namespace telemq::net
