#pragma once
// Server-side TLS settings as an OpenSSL context: TLS 1.2 at least, the certificate chain and key,
// and client certificates checked against a CA when asked. A reload builds a new context; TLS
// connections keep the context they started with.
#include <memory>
#include <string>

#include "broker/net/listener_config.hpp"

namespace boost::asio::ssl {
class context;
}
struct ssl_st;

namespace telemq::net {

// Throws std::runtime_error naming the file and what is wrong with it.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const tls_settings& settings);

// The Common Name of the peer's verified certificate; empty when there is none.
std::string peer_common_name(ssl_st* ssl);

}  // namespace telemq::net
