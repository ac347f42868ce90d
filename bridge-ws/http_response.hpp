#pragma once
// HTTP/1.1 responses of the bridge, built as plain values and serialized by hand: the bridge
// answers a handful of small responses and streams, and writing them from one buffer keeps the
// session's write path the same for a JSON answer and an event stream.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace telemq::bridge_ws {

struct http_response {
  unsigned status = 200;
  std::string content_type;  // none when empty
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond the ones above

  bool operator==(const http_response&) const = default;
};

// Status line, headers (Content-Length, Connection), blank line and body.
std::string serialize(const http_response& response, bool keep_alive);

// The head of a response whose body is a stream that ends when the connection closes (an
// event stream): no Content-Length, Connection: close.
std::string serialize_stream_head(const http_response& head);

// {"error":"..."} with the status.
http_response json_error(unsigned status, std::string_view message);
http_response json_response(std::string body, unsigned status = 200);

std::string_view reason_phrase(unsigned status);

}  // namespace telemq::bridge_ws
