#include "tools/telemq-bench/io_pool.hpp"

#include <thread>

namespace telemq::bench {

io_pool::io_pool(std::size_t threads) {
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) {
    // Each context is run by exactly one thread; the hint lets Asio skip waking others.
    contexts_.push_back(std::make_unique<asio::io_context>(1));
    work_.push_back(
        asio::require(contexts_.back()->get_executor(), asio::execution::outstanding_work.tracked));
  }
}

void io_pool::run() {
  std::vector<std::jthread> threads;
  for (std::size_t i = 1; i < contexts_.size(); ++i) {
    threads.emplace_back([context = contexts_[i].get()] { context->run(); });
  }
  contexts_.front()->run();
}

void io_pool::stop() {
  for (auto& context : contexts_) {
    context->stop();
  }
}

}  // namespace telemq::bench
