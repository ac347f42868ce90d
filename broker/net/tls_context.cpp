#include "broker/net/tls_context.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl/context.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace telemq::net {

namespace ssl = boost::asio::ssl;

namespace {

// Checked before OpenSSL sees the file, whose own message for a missing file is "system lib".
void require_readable(const std::string& key, const std::string& path) {
  if (path.empty()) {
    throw std::runtime_error(key + " is required for a TLS listener");
  }
  std::ifstream file(path);
  if (!file) {
    throw std::runtime_error("cannot read " + key + " '" + path + "': " + std::strerror(errno));
  }
}

[[noreturn]] void fail(const std::string& what, const std::string& path,
                       const boost::system::error_code& ec) {
  throw std::runtime_error(what + " '" + path + "': " + ec.message());
}

}  // namespace

std::shared_ptr<ssl::context> make_tls_context(const tls_settings& settings) {
  require_readable("cert_file", settings.cert_file);
  require_readable("key_file", settings.key_file);

  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_compression |
                       ssl::context::single_dh_use);

  boost::system::error_code ec;
  context->use_certificate_chain_file(settings.cert_file, ec);
  if (ec) {
    fail("cannot load TLS certificate", settings.cert_file, ec);
  }
  // Also refuses a key that is not the certificate's.
  context->use_private_key_file(settings.key_file, ssl::context::pem, ec);
  if (ec) {
    fail("cannot load TLS key", settings.key_file, ec);
  }

  if (!settings.ca_file.empty()) {
    require_readable("ca_file", settings.ca_file);
    context->load_verify_file(settings.ca_file, ec);
    if (ec) {
      fail("cannot load TLS CA file", settings.ca_file, ec);
    }
    // Tells clients which CA their certificate should come from.
    SSL_CTX_set_client_CA_list(native, SSL_load_client_CA_file(settings.ca_file.c_str()));
  }
  if (settings.require_certificate || settings.use_identity_as_username) {
    context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  } else if (!settings.ca_file.empty()) {
    context->set_verify_mode(ssl::verify_peer);
  } else {
    context->set_verify_mode(ssl::verify_none);
  }
  // OpenSSL refuses to resume sessions of verified clients without a session id context.
  static constexpr unsigned char session_context[] = "telemq";
  SSL_CTX_set_session_id_context(native, session_context, sizeof(session_context) - 1);
  return context;
}

std::string peer_common_name(ssl_st* ssl) {
  X509* certificate = SSL_get1_peer_certificate(ssl);
  if (certificate == nullptr) {
    return {};
  }
  std::string name;
  if (SSL_get_verify_result(ssl) == X509_V_OK) {
    X509_NAME* subject = X509_get_subject_name(certificate);
    const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (index >= 0) {
      unsigned char* utf8 = nullptr;
      const int length =
          ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index)));
      if (length > 0) {
        name.assign(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
      }
      OPENSSL_free(utf8);
    }
  }
  X509_free(certificate);
  return name;
}

}  // namespace telemq::net
