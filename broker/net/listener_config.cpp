#include "broker/net/listener_config.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <stdexcept>

namespace telemq::net {

namespace {

std::invalid_argument bad_url(std::string_view url, std::string_view why) {
  return std::invalid_argument("listen URL '" + std::string(url) + "': " + std::string(why));
}

}  // namespace

listener_config parse_listener_url(std::string_view url) {
  listener_config out;
  out.url = std::string(url);

  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) {
    throw bad_url(url, "expected scheme://host:port, e.g. mqtt://127.0.0.1:1883");
  }
  out.scheme = std::string(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);

  const auto path_start = rest.find('/');
  if (path_start != std::string_view::npos) {
    out.path = std::string(rest.substr(path_start));
    rest = rest.substr(0, path_start);
  }

  std::string_view port_text;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) {
      throw bad_url(url, "IPv6 address has no closing ']'");
    }
    out.host = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
    if (!rest.starts_with(':')) {
      throw bad_url(url, "a port is required, e.g. [::1]:1883");
    }
    port_text = rest.substr(1);
  } else {
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
      throw bad_url(url, "a port is required, e.g. 127.0.0.1:1883");
    }
    out.host = std::string(rest.substr(0, colon));
    if (out.host.find(':') != std::string::npos) {
      throw bad_url(url, "IPv6 addresses must be in brackets, e.g. [::1]:1883");
    }
    port_text = rest.substr(colon + 1);
  }
  if (out.host.empty()) {
    throw bad_url(url, "the host is empty (use 0.0.0.0 or [::] for every interface)");
  }

  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port_text.empty() ||
      port > 65535) {
    throw bad_url(url, "the port must be a number from 0 to 65535");
  }
  out.port = static_cast<std::uint16_t>(port);
  out.allow_anonymous = is_loopback_host(out.host);
  return out;
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost") {
    return true;
  }
  const std::string text(host);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) {
      return true;
    }
    // ::ffff:127.x.x.x, an IPv4 loopback address seen through an IPv6 socket.
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

}  // namespace telemq::net
