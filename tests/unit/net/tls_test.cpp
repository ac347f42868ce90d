// TLS listeners: handshake, TLS 1.2 minimum, client certificates and their Common Name as the
// username, and the errors of make_tls_context. The test makes its own CA and certificates.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "broker/net/connection_set.hpp"
#include "broker/net/listener_config.hpp"
#include "broker/net/stream_connection.hpp"
#include "broker/net/tcp_listener.hpp"
#include "broker/net/tls_context.hpp"
#include "broker/net/tls_stream.hpp"
#include "net_test_support.hpp"

namespace telemq::net {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using testing::fake_engine;
using testing::run_until;

using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using cert_ptr = std::unique_ptr<X509, decltype(&X509_free)>;

key_ptr make_key() {
  return key_ptr(EVP_EC_gen("P-256"), EVP_PKEY_free);
}

// A certificate for common_name signed by issuer (itself when issuer is null).
cert_ptr make_certificate(const std::string& common_name, EVP_PKEY* key, X509* issuer,
                          EVP_PKEY* issuer_key, long serial) {
  cert_ptr cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  if (issuer == nullptr) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, cert.get(), cert.get(), nullptr, nullptr, 0);
    X509_EXTENSION* ca =
        X509V3_EXT_conf_nid(nullptr, &context, NID_basic_constraints, "critical,CA:TRUE");
    X509_add_ext(cert.get(), ca, -1);
    X509_EXTENSION_free(ca);
  }
  X509_sign(cert.get(), issuer_key, EVP_sha256());
  return cert;
}

void write_pem(const std::filesystem::path& path, X509* cert, EVP_PKEY* key) {
  FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  if (cert != nullptr) {
    PEM_write_X509(file, cert);
  }
  if (key != nullptr) {
    PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  std::fclose(file);
}

// A CA, a server certificate for localhost and a client certificate for "sensor-7", as files.
class test_pki {
 public:
  test_pki() {
    dir =
        std::filesystem::temp_directory_path() / ("telemq-tls-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto ca_key = make_key();
    auto ca = make_certificate("telemq test CA", ca_key.get(), nullptr, ca_key.get(), 1);
    auto server_key = make_key();
    auto server = make_certificate("localhost", server_key.get(), ca.get(), ca_key.get(), 2);
    auto client_key = make_key();
    auto client = make_certificate("sensor-7", client_key.get(), ca.get(), ca_key.get(), 3);
    write_pem(dir / "ca.pem", ca.get(), nullptr);
    write_pem(dir / "server.pem", server.get(), nullptr);
    write_pem(dir / "server.key", nullptr, server_key.get());
    write_pem(dir / "client.pem", client.get(), nullptr);
    write_pem(dir / "client.key", nullptr, client_key.get());
  }
  ~test_pki() { std::filesystem::remove_all(dir); }

  std::string file(const char* name) const { return (dir / name).string(); }

  tls_settings server_settings() const {
    return {file("server.pem"), file("server.key"), file("ca.pem"), false, false};
  }

  std::filesystem::path dir;
};

class TlsLoopback : public ::testing::Test {
 protected:
  void listen(const tls_settings& settings) {
    auto context = make_tls_context(settings);
    listener_ = std::make_unique<tcp_listener>(
        io_, set_, parse_listener_url("mqtts://127.0.0.1:0"), nullptr,
        [this, context, identity = settings.use_identity_as_username](accepted_socket socket,
                                                                      core::connection_info info) {
          auto connection = std::make_shared<stream_connection<tls_stream, fake_engine>>(
              tls_stream(to_asio_socket(io_, std::move(socket)), context, identity), set_);
          connection->start(engine_, std::move(info), std::chrono::seconds(10));
        });
  }

  // Connects a TLS client; the result of its handshake lands in handshake_result.
  std::unique_ptr<ssl::stream<tcp::socket>> connect(ssl::context& client_context) {
    auto client = std::make_unique<ssl::stream<tcp::socket>>(io_, client_context);
    client->next_layer().connect(listener_->local_endpoints().at(0));
    client->async_handshake(ssl::stream_base::client, [this](boost::system::error_code ec) {
      handshake_result = ec;
      handshake_done = true;
    });
    return client;
  }

  ssl::context client_context(bool with_certificate) {
    ssl::context context(ssl::context::tls_client);
    context.load_verify_file(pki_.file("ca.pem"));
    context.set_verify_mode(ssl::verify_peer);
    if (with_certificate) {
      context.use_certificate_file(pki_.file("client.pem"), ssl::context::pem);
      context.use_private_key_file(pki_.file("client.key"), ssl::context::pem);
    }
    return context;
  }

  test_pki pki_;
  asio::io_context io_;
  connection_set set_{io_, nullptr};
  fake_engine engine_;
  std::unique_ptr<tcp_listener> listener_;
  boost::system::error_code handshake_result;
  bool handshake_done = false;
};

TEST_F(TlsLoopback, HandshakeThenBytesReachTheCore) {
  listen(pki_.server_settings());
  auto context = client_context(false);
  auto client = connect(context);
  ASSERT_TRUE(run_until(io_, [&] { return handshake_done; }));
  ASSERT_FALSE(handshake_result) << handshake_result.message();
  asio::async_write(*client, asio::buffer(std::string("hello")), [](auto, auto) {});
  ASSERT_TRUE(run_until(
      io_, [&] { return !engine_.logs.empty() && engine_.logs[0]->received == "hello"; }));
  EXPECT_EQ(engine_.infos[0].certificate_username, "");
}

TEST_F(TlsLoopback, CloseFromTheCoreDeliversTheLastBytesAndCloseNotify) {
  engine_.on_bytes_script = [](core::link& link, std::span<const std::uint8_t>) {
    const std::string goodbye = "goodbye";
    link.output().insert(link.output().end(), goodbye.begin(), goodbye.end());
    link.flush();
    link.close();
  };
  listen(pki_.server_settings());
  auto context = client_context(false);
  auto client = connect(context);
  ASSERT_TRUE(run_until(io_, [&] { return handshake_done; }));
  asio::async_write(*client, asio::buffer(std::string("x")), [](auto, auto) {});

  std::string received;
  boost::system::error_code end;
  std::array<char, 64> buffer;
  std::function<void()> read = [&] {
    client->async_read_some(asio::buffer(buffer), [&](boost::system::error_code ec, std::size_t n) {
      received.append(buffer.data(), n);
      if (ec) {
        end = ec;
        return;
      }
      read();
    });
  };
  read();
  ASSERT_TRUE(run_until(io_, [&] { return static_cast<bool>(end); }));
  EXPECT_EQ(received, "goodbye");
  EXPECT_EQ(end, asio::error::eof) << end.message() << ": the broker sent close_notify";

  client->next_layer().close();
  ASSERT_TRUE(run_until(io_, [&] { return engine_.logs[0]->closed_calls == 1; }));
  EXPECT_EQ(set_.size(), 0u);
}

TEST_F(TlsLoopback, CertificateCommonNameBecomesTheUsername) {
  auto settings = pki_.server_settings();
  settings.require_certificate = true;
  settings.use_identity_as_username = true;
  listen(settings);
  auto context = client_context(true);
  auto client = connect(context);
  ASSERT_TRUE(run_until(io_, [&] { return !engine_.infos.empty(); }));
  EXPECT_FALSE(handshake_result);
  EXPECT_EQ(engine_.infos[0].certificate_username, "sensor-7");
}

TEST_F(TlsLoopback, RequiredCertificateMissingFailsBeforeTheCore) {
  auto settings = pki_.server_settings();
  settings.require_certificate = true;
  listen(settings);
  auto context = client_context(false);
  auto client = connect(context);
  ASSERT_TRUE(run_until(io_, [&] { return set_.size() == 0 && handshake_done; }));
  // TLS 1.3 clients learn of the refusal only on their first read; the core never heard of it.
  EXPECT_TRUE(engine_.infos.empty());
}

TEST_F(TlsLoopback, Tls11IsRefused) {
  listen(pki_.server_settings());
  auto context = client_context(false);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(context.native_handle(), TLS1_1_VERSION);
  auto client = connect(context);
  ASSERT_TRUE(run_until(io_, [&] { return handshake_done; }));
  EXPECT_TRUE(handshake_result);
  EXPECT_TRUE(engine_.infos.empty());
}

TEST(TlsContext, MissingFileIsNamed) {
  try {
    make_tls_context({"/nonexistent/cert.pem", "/nonexistent/key.pem", "", false, false});
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot read cert_file '/nonexistent/cert.pem': No such file or directory");
  }
}

TEST(TlsContext, KeyOfAnotherCertificateIsRefused) {
  test_pki pki;
  try {
    make_tls_context({pki.file("server.pem"), pki.file("client.key"), "", false, false});
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(
        std::string(e.what()).starts_with("cannot load TLS key '" + pki.file("client.key") + "': "))
        << e.what();
  }
}

TEST(TlsContext, CertificateFileThatIsNotPemIsRefused) {
  test_pki pki;
  EXPECT_THROW(make_tls_context({pki.file("server.key"), pki.file("server.key"), "", false, false}),
               std::runtime_error);
}

}  // namespace
}  // namespace telemq::net
