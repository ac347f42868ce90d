#include "broker/net/socket_reactor.hpp"

#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

#include "broker/net/tcp_stream.hpp"

namespace telemq::net {

namespace {

int create_epoll_set() {
  const int descriptor = ::epoll_create1(EPOLL_CLOEXEC);
  if (descriptor < 0) {
    throw std::system_error(errno, std::system_category(), "epoll_create1");
  }
  return descriptor;
}

constexpr bool is_free(std::uintptr_t entry) {
  return (entry & 1U) != 0;
}

}  // namespace

boost::asio::execution_context::id socket_reactor::id;

socket_reactor::socket_reactor(boost::asio::execution_context& context)
    : service(context),
      io_(static_cast<boost::asio::io_context&>(context)),
      set_(io_.get_executor(), create_epoll_set()) {}

socket_reactor::~socket_reactor() = default;

socket_reactor& socket_reactor::of(boost::asio::io_context& io) {
  return boost::asio::use_service<socket_reactor>(static_cast<boost::asio::execution_context&>(io));
}

socket_reactor::slot socket_reactor::watch(int descriptor, tcp_stream& stream,
                                           boost::system::error_code& ec) {
  slot s = first_free_;
  if (s == 0) {
    s = static_cast<slot>(slots_.size());
    slots_.push_back(1);
  } else {
    first_free_ = static_cast<slot>(slots_[s] >> 1U);
  }
  slots_[s] = reinterpret_cast<std::uintptr_t>(&stream);
  ++watched_;
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  event.data.u64 = s;
  if (::epoll_ctl(set_.native_handle(), EPOLL_CTL_ADD, descriptor, &event) != 0) {
    ec.assign(errno, boost::system::system_category());
    forget(s);
    return 0;
  }
  ec.clear();
  if (!waiting_ && !draining_) {
    wait();
  }
  return s;
}

void socket_reactor::forget(slot s) {
  // Closing the descriptor takes it out of the set; only the slot needs freeing.
  slots_[s] = (std::uintptr_t{first_free_} << 1U) | 1U;
  first_free_ = s;
  --watched_;
  if (watched_ == 0 && waiting_ && !shut_down_) {
    // A wait on an empty set would keep io_context::run from returning.
    boost::system::error_code ignored;
    set_.cancel(ignored);
  }
}

void socket_reactor::wait() {
  waiting_ = true;
  set_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                  [this](const boost::system::error_code& ec) {
                    waiting_ = false;
                    if (shut_down_) {
                      return;
                    }
                    if (!ec) {
                      drain();
                    } else if (watched_ > 0) {
                      // Cancelled as the set emptied, and a socket joined since.
                      wait();
                    }
                  });
}

void socket_reactor::drain() {
  draining_ = true;
  const int count = ::epoll_wait(set_.native_handle(), batch_.data(), batch_size, 0);
  for (int i = 0; i < count; ++i) {
    const std::uintptr_t entry = slots_[batch_[i].data.u64];
    if (!is_free(entry)) {
      reinterpret_cast<tcp_stream*>(entry)->on_ready(batch_[i].events);
    }
  }
  if (count == batch_size) {
    // More may be ready; the set reports an edge only for new readiness, so ask again after
    // letting the thread's other handlers run.
    boost::asio::post(io_, [this] {
      if (!shut_down_) {
        drain();
      }
    });
    return;
  }
  draining_ = false;
  if (watched_ > 0) {
    wait();
  }
}

void socket_reactor::shutdown() {
  shut_down_ = true;
  // Handlers held by streams may own the streams; abandoning one may free others' slots.
  for (std::size_t s = 1; s < slots_.size(); ++s) {
    if (!is_free(slots_[s])) {
      reinterpret_cast<tcp_stream*>(slots_[s])->abandon();
    }
  }
  boost::system::error_code ignored;
  set_.close(ignored);
}

}  // namespace telemq::net
