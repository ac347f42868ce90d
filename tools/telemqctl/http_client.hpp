#pragma once
// A small HTTP/1.1 client for the admin API: one request per connection (Connection: close),
// bounded by a timeout. Plain http:// only: the admin API listens on a local address.
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace telemq::ctl {

struct http_url {
  std::string host;
  std::string port;
  std::string base_path;  // prefix for every request target, without a trailing '/'
};

// "http://127.0.0.1:8081", "127.0.0.1:8081", "http://[::1]:8081/prefix". Throws ctl_error (usage).
http_url parse_http_url(std::string_view text);

struct http_reply {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

using http_headers = std::vector<std::pair<std::string, std::string>>;

// Throws ctl_error (unreachable) when the broker cannot be reached or does not answer in time,
// (failed) when the answer is not HTTP.
http_reply http_request(const http_url& url, std::string_view method, std::string_view target,
                        const http_headers& headers, std::string_view body,
                        std::chrono::milliseconds timeout);

// Parses a whole HTTP/1.1 response (status line, headers, body by Content-Length, chunked or to
// the end). Throws ctl_error (failed) when it is not one.
http_reply parse_http_reply(std::string_view raw);

}  // namespace telemq::ctl
