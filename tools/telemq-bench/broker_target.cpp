#include "tools/telemq-bench/broker_target.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <random>
#include <stdexcept>

namespace telemq::bench {

transport_config resolve_target(const options& opts, std::size_t read_buffer_size) {
  asio::io_context context;
  asio::ip::tcp::resolver resolver(context);
  boost::system::error_code ec;
  const auto results = resolver.resolve(opts.host, std::to_string(opts.port), ec);
  if (ec || results.empty()) {
    throw std::runtime_error("cannot resolve " + opts.host + ": " + ec.message());
  }
  transport_config config;
  config.endpoint = results.begin()->endpoint();
  config.websocket = opts.websocket;
  config.host_header = opts.host + ":" + std::to_string(opts.port);
  config.path = opts.ws_path;
  config.read_buffer_size = read_buffer_size;
  return config;
}

std::string unique_tag() {
  std::random_device entropy;
  constexpr std::string_view digits = "0123456789abcdef";
  std::string tag;
  for (int i = 0; i < 8; ++i) {
    tag += digits[entropy() % 16];
  }
  return tag;
}

}  // namespace telemq::bench
