#include "broker/auth/password_hash.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <climits>
#include <stdexcept>

#include "broker/text/base64.hpp"

namespace telemq::auth {
namespace {

// The next '$'-terminated part of field, or the rest when it is the last one.
std::string_view next_part(std::string_view& field) {
  const auto end = field.find('$');
  const std::string_view part = field.substr(0, end);
  field.remove_prefix(end == std::string_view::npos ? field.size() : end + 1);
  return part;
}

std::vector<std::uint8_t> decode_part(std::string_view part, std::string_view name) {
  auto bytes = text::base64_decode(part);
  if (!bytes || bytes->empty()) {
    throw std::invalid_argument(fmt::format("the {} is not base64", name));
  }
  return std::move(*bytes);
}

std::vector<std::uint8_t> derive(const password_hash& h, std::string_view password) {
  if (password.size() > static_cast<std::size_t>(INT_MAX)) {
    return {};
  }
  // Some OpenSSL versions refuse a null password pointer even with a zero length.
  const char* text = password.empty() ? "" : password.data();
  std::vector<std::uint8_t> out(password_hash::hash_size);
  bool ok = false;
  if (h.kind == password_hash::algorithm::pbkdf2_sha512) {
    ok = PKCS5_PBKDF2_HMAC(text, static_cast<int>(password.size()), h.salt.data(),
                           static_cast<int>(h.salt.size()), static_cast<int>(h.iterations),
                           EVP_sha512(), static_cast<int>(out.size()), out.data()) == 1;
  } else {
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    unsigned int length = 0;
    ok = context != nullptr && EVP_DigestInit_ex(context, EVP_sha512(), nullptr) == 1 &&
         EVP_DigestUpdate(context, text, password.size()) == 1 &&
         EVP_DigestUpdate(context, h.salt.data(), h.salt.size()) == 1 &&
         EVP_DigestFinal_ex(context, out.data(), &length) == 1 && length == out.size();
    EVP_MD_CTX_free(context);
  }
  if (!ok) {
    return {};
  }
  return out;
}

}  // namespace

password_hash password_hash::parse(std::string_view field) {
  if (!field.starts_with('$')) {
    throw std::invalid_argument(
        "the password is not hashed (expected $7$ or $6$); hash the file with `telemq passwd` "
        "or mosquitto_passwd -U");
  }
  field.remove_prefix(1);
  const std::string_view id = next_part(field);
  password_hash h;
  if (id == "7") {
    h.kind = algorithm::pbkdf2_sha512;
    const std::string_view count = next_part(field);
    const auto [end, error] =
        std::from_chars(count.data(), count.data() + count.size(), h.iterations);
    if (error != std::errc{} || end != count.data() + count.size() || h.iterations == 0) {
      throw std::invalid_argument("the iteration count of the $7$ hash is not a positive number");
    }
    if (h.iterations > max_iterations) {
      throw std::invalid_argument(fmt::format("the iteration count {} is above the limit of {}",
                                              h.iterations, max_iterations));
    }
  } else if (id == "6") {
    h.kind = algorithm::sha512;
    h.iterations = 0;
  } else {
    throw std::invalid_argument(
        fmt::format("unsupported hash type ${}$ (expected $7$ or $6$)", id.substr(0, 8)));
  }
  const std::string_view salt = next_part(field);
  const std::string_view hash = next_part(field);
  if (salt.empty() || hash.empty() || !field.empty()) {
    throw std::invalid_argument(h.kind == algorithm::pbkdf2_sha512
                                    ? "expected $7$ITERATIONS$SALT$HASH"
                                    : "expected $6$SALT$HASH");
  }
  h.salt = decode_part(salt, "salt");
  h.hash = decode_part(hash, "hash");
  if (h.hash.size() != hash_size) {
    throw std::invalid_argument(
        fmt::format("the hash has {} bytes; SHA-512 gives {}", h.hash.size(), hash_size));
  }
  return h;
}

password_hash password_hash::create(std::string_view password) {
  if (password.find('\0') != std::string_view::npos) {
    throw std::invalid_argument("the password contains a NUL byte");
  }
  password_hash h;
  h.salt.resize(salt_size);
  if (RAND_bytes(h.salt.data(), static_cast<int>(h.salt.size())) != 1) {
    throw std::runtime_error("no random bytes for a password salt (OpenSSL RAND_bytes failed)");
  }
  h.hash = derive(h, password);
  if (h.hash.empty()) {
    throw std::runtime_error("cannot hash the password (OpenSSL PBKDF2 failed)");
  }
  return h;
}

std::string password_hash::format() const {
  if (kind == algorithm::pbkdf2_sha512) {
    return fmt::format("$7${}${}${}", iterations, text::base64_encode(salt),
                       text::base64_encode(hash));
  }
  return fmt::format("$6${}${}", text::base64_encode(salt), text::base64_encode(hash));
}

bool password_hash::verify(std::string_view password) const {
  // HMAC pads its key with zero bytes, so "pw" and "pw\0" would derive the same hash; and
  // Mosquitto stops at the first NUL. No password with a NUL can be stored, so none matches.
  if (password.find('\0') != std::string_view::npos) {
    return false;
  }
  const std::vector<std::uint8_t> derived = derive(*this, password);
  return derived.size() == hash.size() &&
         CRYPTO_memcmp(derived.data(), hash.data(), hash.size()) == 0;
}

}  // namespace telemq::auth
