#pragma once
// What a listener is told by the configuration: its URL (mqtt://, mqtts://, ws://, wss://), who
// may connect anonymously, its connection limits, and the TLS files of the secure schemes. No Asio
// here: the server's configuration code and its tests include this header.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace telemq::net {

struct tls_settings {
  std::string cert_file;  // PEM certificate chain, server certificate first
  std::string key_file;   // PEM private key, unencrypted
  std::string ca_file;    // PEM CA bundle that client certificates must chain to
  bool require_certificate = false;
  // The verified client certificate's Common Name becomes the MQTT username.
  bool use_identity_as_username = false;

  bool operator==(const tls_settings&) const = default;
};

struct listener_config {
  std::string url;     // as written by the user, for logs
  std::string scheme;  // "mqtt", "mqtts", "ws", "wss"
  std::string host;    // IP literal (IPv6 without brackets) or a name resolved at start-up
  std::uint16_t port = 0;
  std::string path;  // "/mqtt" in ws://host:8080/mqtt; empty when the URL has none
  bool allow_anonymous = true;
  // Connections open at once through this listener (TLS handshakes and HTTP sessions included),
  // on top of the broker-wide limit; 0: none of its own.
  std::size_t max_connections = 0;
  // New connections per second, with a burst of a tenth of a second's worth (at least one);
  // 0: no limit.
  std::uint32_t max_connection_rate = 0;
  // Seconds the kernel keeps a new connection until its first bytes arrive (TCP_DEFER_ACCEPT):
  // MQTT, TLS and WebSocket clients speak first, so the broker is woken once per connection,
  // with the CONNECT readable, instead of once to accept and again to read. A connection that
  // sends nothing is handed over after about this long. 0: at once.
  std::uint32_t defer_accept = 1;
  tls_settings tls;  // used by mqtts:// and wss://

  bool secure() const { return scheme == "mqtts" || scheme == "wss"; }
  bool operator==(const listener_config&) const = default;
};

// Splits "scheme://host:port[/path]"; IPv6 hosts are bracketed ("mqtt://[::1]:1883"). The port is
// required. Throws std::invalid_argument with a sentence naming the problem.
listener_config parse_listener_url(std::string_view url);

// Whether host names this machine only (localhost, 127.0.0.0/8, ::1): such listeners admit
// anonymous clients by default, the others do not.
bool is_loopback_host(std::string_view host);

}  // namespace telemq::net
