#include "mqtt_client.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>

#include "ctl_error.hpp"

namespace telemq::ctl {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

namespace {

constexpr std::chrono::seconds connect_timeout{10};
constexpr std::size_t read_chunk = 64 * 1024;

using io_handler = std::function<void(const boost::system::error_code&, std::size_t)>;

}  // namespace

// TCP or TLS underneath the client.
class byte_stream {
 public:
  virtual ~byte_stream() = default;
  virtual void async_read_some(asio::mutable_buffer buffer, io_handler handler) = 0;
  virtual void async_write(asio::const_buffer buffer, io_handler handler) = 0;
  virtual void close() = 0;
};

namespace {

class tcp_byte_stream final : public byte_stream {
 public:
  explicit tcp_byte_stream(tcp::socket socket) : socket_(std::move(socket)) {}
  void async_read_some(asio::mutable_buffer buffer, io_handler handler) override {
    socket_.async_read_some(buffer, std::move(handler));
  }
  void async_write(asio::const_buffer buffer, io_handler handler) override {
    asio::async_write(socket_, buffer, std::move(handler));
  }
  void close() override {
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
  }

 private:
  tcp::socket socket_;
};

class tls_byte_stream final : public byte_stream {
 public:
  tls_byte_stream(tcp::socket socket, asio::ssl::context& context)
      : stream_(std::move(socket), context) {}
  asio::ssl::stream<tcp::socket>& stream() { return stream_; }
  void async_read_some(asio::mutable_buffer buffer, io_handler handler) override {
    stream_.async_read_some(buffer, std::move(handler));
  }
  void async_write(asio::const_buffer buffer, io_handler handler) override {
    asio::async_write(stream_, buffer, std::move(handler));
  }
  void close() override {
    boost::system::error_code ec;
    stream_.lowest_layer().shutdown(tcp::socket::shutdown_both, ec);
    stream_.lowest_layer().close(ec);
  }

 private:
  asio::ssl::stream<tcp::socket> stream_;
};

std::string describe(protocol::reason_code code) {
  return fmt::format("{} (0x{:02X})", protocol::to_string(code), static_cast<unsigned>(code));
}

}  // namespace

mqtt_client::mqtt_client(mqtt_options options)
    : options_(std::move(options)), read_buffer_(read_chunk) {
  if (options_.port == 0) {
    options_.port = options_.tls.enabled ? 8883 : 1883;
  }
}

mqtt_client::~mqtt_client() {
  if (stream_) {
    stream_->close();
  }
}

std::uint16_t mqtt_client::next_packet_id() {
  last_packet_id_ = static_cast<std::uint16_t>(last_packet_id_ % 65535 + 1);
  return last_packet_id_;
}

bool mqtt_client::run_until(const std::function<bool()>& done,
                            std::optional<steady::time_point> deadline) {
  while (!done()) {
    if (failure_) {
      fail_connection();
    }
    if (io_.stopped()) {
      io_.restart();
    }
    const auto budget =
        deadline ? *deadline - steady::now() : steady::duration(std::chrono::hours(1));
    if (budget <= steady::duration::zero()) {
      return false;
    }
    io_.run_one_for(budget);
  }
  return true;
}

void mqtt_client::fail_connection() const {
  throw ctl_error(failure_is_refusal_ || !connack_ ? exit_status::unreachable : exit_status::failed,
                  *failure_);
}

void mqtt_client::connect() {
  const std::string where = fmt::format("{}:{}", options_.host, options_.port);
  tcp::resolver resolver(io_);
  boost::system::error_code ec;
  const auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port), ec);
  if (ec) {
    throw ctl_error(exit_status::unreachable,
                    fmt::format("cannot resolve {}: {}", options_.host, ec.message()));
  }
  const auto deadline = steady::now() + connect_timeout;
  tcp::socket socket(io_);
  std::optional<boost::system::error_code> connected;
  asio::async_connect(
      socket, endpoints,
      [&](const boost::system::error_code& e, const tcp::endpoint&) { connected = e; });
  if (!run_until([&] { return connected.has_value(); }, deadline) || *connected) {
    throw ctl_error(exit_status::unreachable,
                    fmt::format("cannot connect to {}: {}", where,
                                connected ? connected->message() : "timed out"));
  }
  socket.set_option(tcp::no_delay(true), ec);

  if (options_.tls.enabled) {
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1);
    try {
      if (options_.tls.ca_file.empty()) {
        context->set_default_verify_paths();
      } else {
        context->load_verify_file(options_.tls.ca_file);
      }
      if (!options_.tls.cert_file.empty()) {
        context->use_certificate_chain_file(options_.tls.cert_file);
        context->use_private_key_file(
            options_.tls.key_file.empty() ? options_.tls.cert_file : options_.tls.key_file,
            asio::ssl::context::pem);
      }
    } catch (const boost::system::system_error& e) {
      throw ctl_error(exit_status::usage, fmt::format("TLS files: {}", e.what()));
    }
    context->set_verify_mode(asio::ssl::verify_peer);
    if (!options_.tls.insecure) {
      context->set_verify_callback(asio::ssl::host_name_verification(options_.host));
    }
    auto tls = std::make_unique<tls_byte_stream>(std::move(socket), *context);
    // Server Name Indication, for brokers behind a TLS proxy that serves several names.
    SSL_set_tlsext_host_name(tls->stream().native_handle(), options_.host.c_str());
    std::optional<boost::system::error_code> shaken;
    tls->stream().async_handshake(asio::ssl::stream_base::client,
                                  [&](const boost::system::error_code& e) { shaken = e; });
    if (!run_until([&] { return shaken.has_value(); }, deadline) || *shaken) {
      throw ctl_error(exit_status::unreachable,
                      fmt::format("TLS handshake with {} failed: {}", where,
                                  shaken ? shaken->message() : "timed out"));
    }
    tls_context_ = std::move(context);
    stream_ = std::move(tls);
  } else {
    stream_ = std::make_unique<tcp_byte_stream>(std::move(socket));
  }

  protocol::connect_packet p;
  p.version = options_.version;
  p.clean_start = options_.clean_start;
  p.keep_alive = options_.keep_alive;
  p.client_id = options_.client_id;
  p.username = options_.username;
  p.password = options_.password;
  if (options_.version == protocol::protocol_version::v5 && options_.session_expiry) {
    p.props.session_expiry_interval = *options_.session_expiry;
  }
  decoder_.set_version(options_.version);
  start_reading();
  send(p);
  if (!run_until([&] { return connack_.has_value(); }, deadline)) {
    throw ctl_error(exit_status::unreachable,
                    fmt::format("no CONNACK from {} within {} s", where, connect_timeout.count()));
  }
  if (protocol::is_error(connack_->reason)) {
    throw ctl_error(exit_status::unreachable,
                    fmt::format("{} refused the connection: {}", where,
                                options_.version == protocol::protocol_version::v5
                                    ? describe(connack_->reason)
                                    : std::string(protocol::to_string(connack_->reason))));
  }
  arm_keep_alive();
}

void mqtt_client::start_reading() {
  stream_->async_read_some(
      asio::buffer(read_buffer_), [this](const boost::system::error_code& ec, std::size_t n) {
        if (ec) {
          if (!failure_) {
            failure_ = ec == asio::error::eof ? "the broker closed the connection"
                                              : fmt::format("connection lost: {}", ec.message());
          }
          return;
        }
        decoder_.feed(std::span<const std::uint8_t>(read_buffer_.data(), n));
        while (auto next = decoder_.next()) {
          if (!next->ok()) {
            failure_ = fmt::format("malformed packet from the broker: {}", next->failure().message);
            return;
          }
          on_packet(std::move(next->value()));
        }
        start_reading();
      });
}

void mqtt_client::on_packet(protocol::packet p) {
  using namespace protocol;
  std::visit(
      [this](auto& packet) {
        using T = std::decay_t<decltype(packet)>;
        if constexpr (std::is_same_v<T, connack_packet>) {
          connack_ = std::move(packet);
        } else if constexpr (std::is_same_v<T, publish_packet>) {
          if (packet.qos_level == qos::at_least_once) {
            send(puback_packet{packet.packet_id, reason_code::success, {}});
          } else if (packet.qos_level == qos::exactly_once) {
            send(pubrec_packet{packet.packet_id, reason_code::success, {}});
            // A resent PUBLISH whose PUBREC was lost is acknowledged again, not delivered twice.
            if (!incoming_qos2_.insert(packet.packet_id).second) {
              return;
            }
          }
          inbox_.push_back(std::move(packet));
        } else if constexpr (std::is_same_v<T, pubrel_packet>) {
          incoming_qos2_.erase(packet.packet_id);
          send(pubcomp_packet{packet.packet_id, reason_code::success, {}});
        } else if constexpr (std::is_same_v<T, puback_packet> ||
                             std::is_same_v<T, pubcomp_packet>) {
          acks_[packet.packet_id] = packet.reason;
        } else if constexpr (std::is_same_v<T, pubrec_packet>) {
          if (is_error(packet.reason)) {
            acks_[packet.packet_id] = packet.reason;
          } else {
            send(pubrel_packet{packet.packet_id, reason_code::success, {}});
          }
        } else if constexpr (std::is_same_v<T, suback_packet>) {
          subacks_[packet.packet_id] = std::move(packet);
        } else if constexpr (std::is_same_v<T, pingresp_packet>) {
          ping_outstanding_ = false;
        } else if constexpr (std::is_same_v<T, disconnect_packet>) {
          failure_ = fmt::format("the broker disconnected: {}", describe(packet.reason));
          failure_is_refusal_ = packet.reason == reason_code::not_authorized;
        } else {
          failure_ = fmt::format("unexpected {} from the broker", to_string(type_of(packet)));
        }
      },
      p);
}

void mqtt_client::send(const protocol::packet& p) {
  protocol::byte_buffer bytes;
  protocol::encode(p, options_.version, bytes);
  write_queue_.push_back(std::move(bytes));
  write_next();
}

void mqtt_client::write_next() {
  if (writing_ || write_queue_.empty() || !stream_) {
    return;
  }
  writing_ = true;
  stream_->async_write(asio::buffer(write_queue_.front()),
                       [this](const boost::system::error_code& ec, std::size_t) {
                         writing_ = false;
                         write_queue_.pop_front();
                         if (ec) {
                           if (!failure_) {
                             failure_ = fmt::format("connection lost: {}", ec.message());
                           }
                           write_queue_.clear();
                           return;
                         }
                         write_next();
                       });
}

void mqtt_client::arm_keep_alive() {
  if (options_.keep_alive == 0) {
    return;
  }
  if (!keep_alive_timer_) {
    keep_alive_timer_ = std::make_unique<asio::steady_timer>(io_);
  }
  keep_alive_timer_->expires_after(std::chrono::seconds(options_.keep_alive));
  keep_alive_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec || failure_) {
      return;
    }
    if (ping_outstanding_) {
      failure_ = "the broker stopped answering (no PINGRESP within the keep-alive interval)";
      return;
    }
    ping_outstanding_ = true;
    send(protocol::pingreq_packet{});
    arm_keep_alive();
  });
}

void mqtt_client::publish(protocol::publish_packet packet) {
  if (packet.qos_level == protocol::qos::at_most_once) {
    send(packet);
    run_until([&] { return write_queue_.empty(); }, std::nullopt);
    return;
  }
  const std::uint16_t id = next_packet_id();
  packet.packet_id = id;
  acks_.erase(id);
  send(packet);
  run_until([&] { return acks_.contains(id); }, std::nullopt);
  const auto reason = acks_[id];
  acks_.erase(id);
  if (protocol::is_error(reason)) {
    throw ctl_error(exit_status::failed, fmt::format("the broker refused the message to '{}': {}",
                                                     packet.topic, describe(reason)));
  }
}

std::vector<protocol::reason_code> mqtt_client::subscribe(
    std::vector<protocol::subscription_request> filters) {
  const std::uint16_t id = next_packet_id();
  send(protocol::subscribe_packet{id, std::move(filters), {}});
  run_until([&] { return subacks_.contains(id); }, std::nullopt);
  auto reasons = std::move(subacks_[id].reasons);
  subacks_.erase(id);
  return reasons;
}

std::optional<protocol::publish_packet> mqtt_client::receive(
    std::optional<steady::time_point> deadline) {
  if (!run_until([&] { return !inbox_.empty() || stopping_; }, deadline) || inbox_.empty()) {
    return std::nullopt;
  }
  auto next = std::move(inbox_.front());
  inbox_.pop_front();
  return next;
}

void mqtt_client::disconnect() {
  if (keep_alive_timer_) {
    keep_alive_timer_->cancel();
  }
  if (failure_) {
    return;
  }
  send(protocol::disconnect_packet{});
  // Written, or the connection broke: either way there is nothing more to do.
  const auto deadline = steady::now() + std::chrono::seconds(5);
  while (!write_queue_.empty() && !failure_ && steady::now() < deadline) {
    if (io_.stopped()) {
      io_.restart();
    }
    io_.run_one_for(deadline - steady::now());
  }
  stream_->close();
}

}  // namespace telemq::ctl
