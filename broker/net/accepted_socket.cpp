#include "broker/net/accepted_socket.hpp"

#include <unistd.h>

namespace telemq::net {

accepted_socket::~accepted_socket() {
  if (descriptor_ >= 0) {
    ::close(descriptor_);
  }
}

tcp_socket to_asio_socket(boost::asio::io_context& io, accepted_socket socket) {
  tcp_socket result(io.get_executor());
  boost::system::error_code ec;
  result.assign(socket.protocol(), socket.descriptor(), ec);
  if (!ec) {
    socket.release();
    // Asio tracks the mode itself; the descriptor is non-blocking already.
    result.non_blocking(true, ec);
  }
  return result;
}

}  // namespace telemq::net
