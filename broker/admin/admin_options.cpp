#include "broker/admin/admin_options.hpp"

#include <fmt/format.h>

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <stdexcept>

namespace telemq::admin {

admin_address parse_admin_address(std::string_view text) {
  std::string_view rest = text;
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (rest.find("://") != std::string_view::npos) {
    throw std::invalid_argument(
        fmt::format("'{}': the admin API speaks plain http:// on a local address", text));
  }
  if (!rest.empty() && rest.back() == '/') {
    rest.remove_suffix(1);
  }
  std::string_view host;
  std::string_view port;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      throw std::invalid_argument(
          fmt::format("'{}': write an IPv6 address as [ADDRESS]:PORT, e.g. [::1]:8081", text));
    }
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
      throw std::invalid_argument(
          fmt::format("'{}': expected HOST:PORT, e.g. 127.0.0.1:8081", text));
    }
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  admin_address address;
  address.host = host == "localhost" ? "127.0.0.1" : std::string(host);
  boost::system::error_code ec;
  boost::asio::ip::make_address(address.host, ec);
  if (ec) {
    throw std::invalid_argument(fmt::format(
        "'{}': '{}' is not an IP address (the admin listener binds one address)", text, host));
  }
  unsigned value = 0;
  const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || error != std::errc{} || end != port.data() + port.size() || value > 65535) {
    throw std::invalid_argument(
        fmt::format("'{}': the port must be a number from 0 to 65535", text));
  }
  address.port = static_cast<std::uint16_t>(value);
  return address;
}

std::string to_string(const admin_address& address) {
  const bool v6 = address.host.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}", v6 ? "[" : "", address.host, v6 ? "]" : "", address.port);
}

}  // namespace telemq::admin
