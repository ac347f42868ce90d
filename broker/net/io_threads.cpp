#include "broker/net/io_threads.hpp"

#include <pthread.h>
#include <sched.h>

#include <boost/asio/post.hpp>
#include <utility>

namespace telemq::net {

io_thread::io_thread(boost::asio::io_context& broker_io, std::string name)
    : broker_io_(broker_io),
      work_(boost::asio::prefer(io_.get_executor(),
                                boost::asio::execution::outstanding_work.tracked)),
      to_broker_(broker_io) {
  thread_ = std::thread([this, name = std::move(name)] {
    // Linux limits thread names to 15 characters; top and perf show them.
    ::pthread_setname_np(::pthread_self(), name.substr(0, 15).c_str());
    io_.run();
  });
}

io_thread::~io_thread() {
  stop();
}

void io_thread::stop() {
  if (!thread_.joinable()) {
    return;
  }
  boost::asio::post(io_, [this] {
    std::vector<std::shared_ptr<relay_channel>> open;
    for (auto& channel : streams_) {
      open.push_back(channel.shared_from_this());
    }
    for (const auto& channel : open) {
      channel->end_stream();
    }
  });
  work_.reset();
  thread_.join();
}

io_threads::io_threads(boost::asio::io_context& broker_io, std::size_t threads) {
  for (std::size_t i = 1; i < threads; ++i) {
    threads_.push_back(std::make_unique<io_thread>(broker_io, "telemq-io-" + std::to_string(i)));
  }
}

io_thread* io_threads::next() {
  const std::size_t turn = turn_;
  turn_ = (turn_ + 1) % size();
  return turn == 0 ? nullptr : threads_[turn - 1].get();
}

void io_threads::stop() {
  for (const auto& thread : threads_) {
    thread->stop();
  }
}

std::size_t usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof(set), &set) != 0) {
    return 1;
  }
  const int count = CPU_COUNT(&set);
  return count > 0 ? static_cast<std::size_t>(count) : 1;
}

std::size_t default_thread_count(std::size_t cpus) {
  return cpus > 1 ? cpus - 1 : 1;
}

}  // namespace telemq::net
