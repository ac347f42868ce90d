#include "broker/admin/background_runner.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

namespace telemq::admin {
namespace {

namespace asio = boost::asio;

class thread_runner final : public background_runner {
 public:
  explicit thread_runner(asio::io_context& io) : io_(io) {}
  ~thread_runner() override {
    pool_.stop();
    pool_.join();
  }

  void run(background_job job) override {
    asio::post(pool_, [&io = io_, job = std::move(job)] { asio::post(io, job()); });
  }

 private:
  asio::io_context& io_;
  asio::thread_pool pool_{1};
};

}  // namespace

std::unique_ptr<background_runner> make_thread_runner(asio::io_context& io) {
  return std::make_unique<thread_runner>(io);
}

}  // namespace telemq::admin
