#include "bridge-ws/http_response.hpp"

#include <nlohmann/json.hpp>

namespace telemq::bridge_ws {

std::string_view reason_phrase(unsigned status) {
  switch (status) {
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 426:
      return "Upgrade Required";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

namespace {

std::string head_lines(const http_response& response) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " ";
  out += reason_phrase(response.status);
  out += "\r\nServer: telemq\r\n";
  if (!response.content_type.empty()) {
    out += "Content-Type: " + response.content_type + "\r\n";
  }
  for (const auto& [name, value] : response.headers) {
    out += name + ": " + value + "\r\n";
  }
  return out;
}

}  // namespace

std::string serialize_stream_head(const http_response& head) {
  return head_lines(head) + "Connection: close\r\n\r\n";
}

std::string serialize(const http_response& response, bool keep_alive) {
  std::string out = head_lines(response);
  out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  out += response.body;
  return out;
}

http_response json_response(std::string body, unsigned status) {
  return http_response{status, "application/json", std::move(body), {}};
}

http_response json_error(unsigned status, std::string_view message) {
  const nlohmann::json body = {{"error", message}};
  return json_response(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), status);
}

}  // namespace telemq::bridge_ws
