#pragma once
// The generator's threads: one io_context each (one by default), clients spread round-robin,
// context 0 run by the calling thread and also hosting the coordinator.
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/require.hpp>
#include <cstddef>
#include <memory>
#include <vector>

namespace telemq::bench {

namespace asio = boost::asio;

class io_pool {
 public:
  explicit io_pool(std::size_t threads);

  asio::io_context& context(std::size_t client_index) {
    return *contexts_[client_index % contexts_.size()];
  }
  asio::io_context& coordinator() { return *contexts_.front(); }

  // Returns once stop() was called and every thread has left its context.
  void run();
  void stop();

 private:
  using work_executor = std::decay_t<decltype(asio::require(
      std::declval<asio::io_context::executor_type>(), asio::execution::outstanding_work.tracked))>;

  std::vector<std::unique_ptr<asio::io_context>> contexts_;
  std::vector<work_executor> work_;
};

}  // namespace telemq::bench
