#pragma once
// Requests and responses of the admin API as plain values: the HTTP server (Beast) copies a
// request out of the parser and a response into the serializer, so the API and its tests never
// see Beast.
#include <functional>
#include <string>

namespace telemq::admin {

struct http_request {
  std::string method;  // "GET"
  std::string target;  // "/api/v1/clients?online=1", as sent
  std::string authorization;
  std::string body;
};

struct http_response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string allow;  // the Allow header of a 405
};

// Answers a request, at once or later (after work on another thread): always on the broker
// thread, exactly once.
using responder = std::function<void(http_response)>;

}  // namespace telemq::admin
