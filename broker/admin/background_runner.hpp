#pragma once
// Blocking work the broker thread must not do itself: writing the password and ACL files (they
// are fsynced) and reading them for the API. Jobs run one at a time, in order, so two changes to
// a file never interleave; each returns what to do next on the broker thread.
#include <functional>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace telemq::admin {

using background_job = std::function<std::function<void()>()>;

class background_runner {
 public:
  virtual ~background_runner() = default;
  virtual void run(background_job job) = 0;
};

// One worker thread; continuations are posted to io. The destructor waits for the job in
// progress and drops those not started.
std::unique_ptr<background_runner> make_thread_runner(boost::asio::io_context& io);

}  // namespace telemq::admin
