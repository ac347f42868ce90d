#include "ws_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace telemq::integration::ws {

namespace {

using steady = std::chrono::steady_clock;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string encode_length(std::size_t length) {
  std::string out;
  do {
    auto digit = static_cast<unsigned char>(length % 128);
    length /= 128;
    if (length > 0) {
      digit |= 0x80;
    }
    out += static_cast<char>(digit);
  } while (length > 0);
  return out;
}

std::string mqtt_string(const std::string& text) {
  std::string out;
  out += static_cast<char>(text.size() >> 8);
  out += static_cast<char>(text.size() & 0xFF);
  return out + text;
}

std::string packet(std::uint8_t first_byte, const std::string& body) {
  return std::string(1, static_cast<char>(first_byte)) + encode_length(body.size()) + body;
}

}  // namespace

std::vector<std::string> ws_broker_test::broker_args() const {
  ws_port_ = pick_free_port();
  if (ws_port_ == 0) {
    throw std::runtime_error("no free port found for the WebSocket listener");
  }
  std::string url = ws_scheme() + "://127.0.0.1:" + std::to_string(ws_port_) + "/mqtt";
  if (!ws_options().empty()) {
    url += "?" + ws_options();
  }
  std::vector<std::string> args{"--listen", url};
  const auto tls = tls_args();
  args.insert(args.end(), tls.begin(), tls.end());
  return args;
}

std::string ws_broker_test::ws_uri() const {
  return ws_scheme() + "://127.0.0.1:" + std::to_string(ws_port_) + "/mqtt";
}

tcp_connection::tcp_connection(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const std::string why = std::strerror(errno);
    if (fd_ >= 0) {
      ::close(fd_);
    }
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port) + ": " + why);
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

tcp_connection::~tcp_connection() {
  ::close(fd_);
}

void tcp_connection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      return;  // the peer closed; the test sees it on its next read
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

bool tcp_connection::read_until(const std::function<bool(const std::string&)>& done,
                                std::chrono::milliseconds timeout) {
  const auto deadline = steady::now() + timeout;
  while (!done(buffer_)) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
    if (peer_closed_ || left.count() <= 0) {
      return false;
    }
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      continue;
    }
    char chunk[16384];
    const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      peer_closed_ = true;
      return done(buffer_);
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
  return true;
}

bool tcp_connection::read_to_end(std::chrono::milliseconds timeout) {
  read_until([](const std::string&) { return false; }, timeout);
  return peer_closed_;
}

void tcp_connection::set_receive_buffer(int bytes) {
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

http_reply parse_http_reply(const std::string& bytes) {
  http_reply reply;
  const auto head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string::npos || !bytes.starts_with("HTTP/1.1 ")) {
    return reply;
  }
  reply.status = std::stoi(bytes.substr(9, 3));
  std::size_t line = bytes.find("\r\n") + 2;
  while (line < head_end) {
    const auto end = bytes.find("\r\n", line);
    const auto colon = bytes.find(':', line);
    if (colon != std::string::npos && colon < end) {
      auto value = bytes.substr(colon + 1, end - colon - 1);
      value.erase(0, value.find_first_not_of(' '));
      reply.headers[lower(bytes.substr(line, colon - line))] = value;
    }
    line = end + 2;
  }
  reply.body = bytes.substr(head_end + 4);
  return reply;
}

http_reply http_call(std::uint16_t port, const std::string& method, const std::string& target,
                     const std::string& body, const std::vector<std::string>& headers) {
  tcp_connection c(port);
  std::string request = method + " " + target +
                        " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nConnection: close\r\n";
  for (const auto& h : headers) {
    request += h + "\r\n";
  }
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  c.send(request);
  c.read_to_end();
  return parse_http_reply(c.buffer());
}

std::vector<sse_event> parse_sse(const std::string& body) {
  std::vector<sse_event> events;
  sse_event current;
  bool any = false;
  std::size_t start = 0;
  while (true) {
    const auto end = body.find('\n', start);
    if (end == std::string::npos) {
      break;  // an incomplete line waits for more bytes
    }
    const std::string line = body.substr(start, end - start);
    start = end + 1;
    if (line.empty()) {
      if (any) {
        events.push_back(current);
      }
      current = {};
      any = false;
    } else if (line.starts_with("id: ")) {
      current.id = line.substr(4);
    } else if (line.starts_with("event: ")) {
      current.type = line.substr(7);
    } else if (line.starts_with("data: ")) {
      current.data += (current.data.empty() ? "" : "\n") + line.substr(6);
      any = true;
    }
  }
  return events;
}

sse_client::sse_client(std::uint16_t port, const std::string& query,
                       const std::vector<std::string>& headers)
    : connection_(port) {
  std::string request = "GET /events?" + query +
                        " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nAccept: text/event-stream\r\n";
  for (const auto& h : headers) {
    request += h + "\r\n";
  }
  connection_.send(request + "\r\n");
  connection_.read_until(
      [](const std::string& b) { return b.find("\r\n\r\n") != std::string::npos; });
  status_ = parse_http_reply(connection_.buffer()).status;
}

std::string sse_client::body() {
  const auto& all = connection_.buffer();
  const auto head_end = all.find("\r\n\r\n");
  return head_end == std::string::npos ? std::string() : all.substr(head_end + 4);
}

bool sse_client::wait_for_events(std::size_t count, std::chrono::milliseconds timeout) {
  return connection_.read_until(
      [&](const std::string&) { return parse_sse(body()).size() >= count; }, timeout);
}

std::vector<sse_event> sse_client::events() {
  return parse_sse(body());
}

ws_client::ws_client(std::uint16_t port, const std::string& path, const std::string& protocols)
    : connection_(port) {
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        "Sec-WebSocket-Version: 13\r\n";
  if (!protocols.empty()) {
    request += "Sec-WebSocket-Protocol: " + protocols + "\r\n";
  }
  connection_.send(request + "\r\n");
  connection_.read_until([](const std::string& b) {
    const auto head_end = b.find("\r\n\r\n");
    if (head_end == std::string::npos) {
      return false;
    }
    // A refusal carries a body of Content-Length bytes; an upgrade carries none.
    const auto reply = parse_http_reply(b);
    const auto length = reply.headers.find("content-length");
    return length == reply.headers.end() ||
           reply.body.size() >= static_cast<std::size_t>(std::stoul(length->second));
  });
  auto& buffer = connection_.buffer();
  handshake_ = parse_http_reply(buffer);
  const auto head_end = buffer.find("\r\n\r\n");
  buffer.erase(0, head_end == std::string::npos ? buffer.size() : head_end + 4);
  if (handshake_.status == 101) {
    handshake_.body.clear();  // whatever followed the head is frames
  }
}

void ws_client::send_frame_header(opcode op, std::uint64_t length) {
  std::string header;
  header += static_cast<char>(0x80 | op);
  if (length < 126) {
    header += static_cast<char>(0x80 | length);
  } else if (length <= 0xFFFF) {
    header += static_cast<char>(0x80 | 126);
    header += static_cast<char>(length >> 8);
    header += static_cast<char>(length & 0xFF);
  } else {
    header += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      header += static_cast<char>((length >> shift) & 0xFF);
    }
  }
  header += std::string("\x01\x02\x03\x04", 4);  // the mask key
  connection_.send(header);
}

void ws_client::send_frame(opcode op, std::string_view payload) {
  std::string frame;
  send_frame_header(op, payload.size());
  static constexpr char mask[] = {1, 2, 3, 4};
  for (std::size_t i = 0; i < payload.size(); ++i) {
    frame += static_cast<char>(payload[i] ^ mask[i % 4]);
  }
  connection_.send(frame);
}

int ws_client::frame::close_code() const {
  if (payload.size() < 2) {
    return 0;
  }
  return static_cast<unsigned char>(payload[0]) << 8 | static_cast<unsigned char>(payload[1]);
}

std::optional<ws_client::frame> ws_client::read_frame(std::chrono::milliseconds timeout) {
  std::size_t header = 0;
  std::size_t length = 0;
  const auto complete = [&](const std::string& b) {
    if (b.size() < 2) {
      return false;
    }
    length = static_cast<unsigned char>(b[1]) & 0x7F;
    header = 2;
    if (length == 126) {
      if (b.size() < 4) {
        return false;
      }
      length = static_cast<unsigned char>(b[2]) << 8 | static_cast<unsigned char>(b[3]);
      header = 4;
    } else if (length == 127) {
      if (b.size() < 10) {
        return false;
      }
      length = 0;
      for (int i = 2; i < 10; ++i) {
        length = length << 8 | static_cast<unsigned char>(b[i]);
      }
      header = 10;
    }
    return b.size() >= header + length;
  };
  if (!connection_.read_until(complete, timeout)) {
    return std::nullopt;
  }
  auto& b = connection_.buffer();
  frame f{static_cast<std::uint8_t>(b[0] & 0x0F), b.substr(header, length)};
  b.erase(0, header + length);
  return f;
}

bool ws_client::read_mqtt_until(const std::function<bool(const std::string&)>& done,
                                std::chrono::milliseconds timeout) {
  const auto deadline = steady::now() + timeout;
  while (!done(mqtt_)) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady::now());
    if (left.count() <= 0) {
      return false;
    }
    const auto f = read_frame(left);
    if (!f || f->op == close) {
      return done(mqtt_);
    }
    if (f->op == binary || f->op == continuation) {
      mqtt_ += f->payload;
    }
  }
  return true;
}

namespace mqtt_bytes {

std::string connect(const std::string& client_id, const std::string& will_topic,
                    const std::string& will_payload) {
  std::string body = mqtt_string("MQTT");
  body += '\x04';                                // 3.1.1
  body += will_topic.empty() ? '\x02' : '\x06';  // clean session, will flag
  body += std::string("\x00\x3c", 2);            // keep alive 60 s
  body += mqtt_string(client_id);
  if (!will_topic.empty()) {
    body += mqtt_string(will_topic) + mqtt_string(will_payload);
  }
  return packet(0x10, body);
}

std::string subscribe(std::uint16_t packet_id, const std::string& filter, int qos) {
  std::string body;
  body += static_cast<char>(packet_id >> 8);
  body += static_cast<char>(packet_id & 0xFF);
  body += mqtt_string(filter) + static_cast<char>(qos);
  return packet(0x82, body);
}

std::string publish(const std::string& topic, const std::string& payload) {
  return packet(0x30, mqtt_string(topic) + payload);
}

std::string disconnect() {
  return std::string("\xe0\x00", 2);
}

}  // namespace mqtt_bytes

}  // namespace telemq::integration::ws
