#pragma once
// The admin listener: HTTP/1.1 on one TCP address of the broker thread, with keep-alive. Every
// wait is bounded (a request must arrive within 30 s, a response be taken within 30 s), requests
// are bounded in size, and so is the number of connections. No Beast here: only http_server.cpp
// includes it.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "broker/admin/admin_options.hpp"
#include "broker/admin/http_message.hpp"
#include "broker/core/log.hpp"

namespace boost::asio {
class io_context;
}

namespace telemq::admin {

class http_server {
 public:
  // Called for each request with its remote address; the responder may be called later (but on
  // the broker thread).
  using request_handler = std::function<void(const http_request&, const responder&)>;

  // Binds at once; throws std::runtime_error ("cannot listen on http://127.0.0.1:8081: Address
  // already in use"). Accepting starts with start().
  http_server(boost::asio::io_context& io, const admin_address& address, request_handler handler,
              core::log_sink log);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  void start();
  // Stops accepting and closes every connection; answers still being prepared are dropped.
  void stop();

  // The address bound, with the real port when 0 was asked: "http://127.0.0.1:8081".
  admin_address local_address() const;

  // Shared with the connections, which may outlive the server by a handler or two.
  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace telemq::admin
