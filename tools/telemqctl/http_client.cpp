#include "http_client.hpp"

#include <fmt/format.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <optional>

#include "broker/text/ascii.hpp"
#include "ctl_error.hpp"

namespace telemq::ctl {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

[[noreturn]] void not_http(std::string_view why) {
  throw ctl_error(exit_status::failed, fmt::format("the admin API answered something that is not "
                                                   "HTTP ({})",
                                                   why));
}

std::string decode_chunked(std::string_view body) {
  std::string out;
  while (true) {
    const auto line_end = body.find("\r\n");
    if (line_end == std::string_view::npos) {
      not_http("truncated chunk");
    }
    std::size_t size = 0;
    const auto size_text = body.substr(0, body.find_first_of(";\r"));
    const auto [end, ec] =
        std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
    if (ec != std::errc{} || end == size_text.data()) {
      not_http("bad chunk size");
    }
    body.remove_prefix(line_end + 2);
    if (size == 0) {
      return out;
    }
    if (body.size() < size + 2) {
      not_http("truncated chunk");
    }
    out.append(body.substr(0, size));
    body.remove_prefix(size + 2);
  }
}

}  // namespace

http_url parse_http_url(std::string_view text) {
  std::string_view rest = text;
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (rest.find("://") != std::string_view::npos) {
    throw ctl_error(exit_status::usage,
                    fmt::format("--url {}: only http:// is supported (the admin API is plain "
                                "HTTP on a local address)",
                                text));
  }
  http_url url;
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    url.base_path = std::string(rest.substr(slash));
    while (!url.base_path.empty() && url.base_path.back() == '/') {
      url.base_path.pop_back();
    }
  }
  std::string_view port = "80";
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      throw ctl_error(exit_status::usage, fmt::format("--url {}: unclosed '['", text));
    }
    url.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
    }
  }
  if (url.host.empty() || port.empty() ||
      port.find_first_not_of("0123456789") != std::string_view::npos) {
    throw ctl_error(
        exit_status::usage,
        fmt::format("--url {}: expected http://HOST:PORT, e.g. http://127.0.0.1:8081", text));
  }
  url.port = std::string(port);
  return url;
}

http_reply parse_http_reply(std::string_view raw) {
  const auto head_end = raw.find("\r\n\r\n");
  if (head_end == std::string_view::npos) {
    not_http("no end of headers");
  }
  std::string_view head = raw.substr(0, head_end);
  std::string_view body = raw.substr(head_end + 4);

  const auto status_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, status_end);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
    not_http("bad status line");
  }
  http_reply reply;
  const auto code = status_line.substr(9, 3);
  if (std::from_chars(code.data(), code.data() + 3, reply.status).ec != std::errc{}) {
    not_http("bad status code");
  }
  std::optional<std::size_t> content_length;
  bool chunked = false;
  head = status_end == std::string_view::npos ? std::string_view{} : head.substr(status_end + 2);
  while (!head.empty()) {
    const auto line_end = head.find("\r\n");
    const std::string_view line = head.substr(0, line_end);
    head = line_end == std::string_view::npos ? std::string_view{} : head.substr(line_end + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      continue;
    }
    const auto name = text::trim(line.substr(0, colon));
    const auto value = text::trim(line.substr(colon + 1));
    if (text::equals_ignoring_case(name, "content-type")) {
      reply.content_type = std::string(value);
    } else if (text::equals_ignoring_case(name, "content-length")) {
      std::size_t n = 0;
      if (std::from_chars(value.data(), value.data() + value.size(), n).ec != std::errc{}) {
        not_http("bad Content-Length");
      }
      content_length = n;
    } else if (text::equals_ignoring_case(name, "transfer-encoding") &&
               value.find("chunked") != std::string::npos) {
      chunked = true;
    }
  }
  if (chunked) {
    reply.body = decode_chunked(body);
  } else if (content_length) {
    if (body.size() < *content_length) {
      not_http("truncated body");
    }
    reply.body = std::string(body.substr(0, *content_length));
  } else {
    reply.body = std::string(body);
  }
  return reply;
}

http_reply http_request(const http_url& url, std::string_view method, std::string_view target,
                        const http_headers& headers, std::string_view body,
                        std::chrono::milliseconds timeout) {
  const bool v6 = url.host.find(':') != std::string::npos;
  std::string request =
      fmt::format("{} {}{} HTTP/1.1\r\nHost: {}{}{}:{}\r\nConnection: close\r\n", method,
                  url.base_path, target, v6 ? "[" : "", url.host, v6 ? "]" : "", url.port);
  for (const auto& [name, value] : headers) {
    request += fmt::format("{}: {}\r\n", name, value);
  }
  if (!body.empty() || method == "POST" || method == "PUT") {
    request += fmt::format("Content-Type: application/json\r\nContent-Length: {}\r\n", body.size());
  }
  request += "\r\n";
  request += body;

  asio::io_context io;
  tcp::resolver resolver(io);
  tcp::socket socket(io);
  std::string raw;
  boost::system::error_code failure;
  std::string_view step = "resolve";
  resolver.async_resolve(
      url.host, url.port, [&](boost::system::error_code ec, tcp::resolver::results_type endpoints) {
        if (ec) {
          failure = ec;
          return;
        }
        step = "connect to";
        asio::async_connect(
            socket, endpoints, [&](boost::system::error_code ec, const tcp::endpoint&) {
              if (ec) {
                failure = ec;
                return;
              }
              step = "send to";
              asio::async_write(socket, asio::buffer(request),
                                [&](boost::system::error_code ec, std::size_t) {
                                  if (ec) {
                                    failure = ec;
                                    return;
                                  }
                                  step = "read from";
                                  asio::async_read(socket, asio::dynamic_buffer(raw),
                                                   [&](boost::system::error_code ec, std::size_t) {
                                                     if (ec && ec != asio::error::eof) {
                                                       failure = ec;
                                                     }
                                                   });
                                });
            });
      });
  io.run_for(timeout);
  if (!io.stopped()) {
    throw ctl_error(exit_status::unreachable,
                    fmt::format("cannot {} the broker at http://{}:{}: no answer within {} s", step,
                                url.host, url.port, timeout.count() / 1000.0));
  }
  if (failure) {
    throw ctl_error(exit_status::unreachable,
                    fmt::format("cannot {} the broker at http://{}:{}: {}", step, url.host,
                                url.port, failure.message()));
  }
  return parse_http_reply(raw);
}

}  // namespace telemq::ctl
