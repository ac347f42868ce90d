#pragma once
// One stored password: the field after "user:" in a Mosquitto password file.
//   $7$ITERATIONS$SALT$HASH   HASH = PBKDF2-HMAC-SHA512(password, SALT, ITERATIONS), 64 bytes
//   $6$SALT$HASH              HASH = SHA-512(password || SALT), written by mosquitto_passwd < 2.0
// SALT and HASH are base64 of the raw bytes.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace telemq::auth {

struct password_hash {
  enum class algorithm : unsigned char { sha512, pbkdf2_sha512 };

  // What mosquitto_passwd writes, so our files look like its files.
  static constexpr std::uint32_t default_iterations = 101;
  static constexpr std::size_t salt_size = 12;
  static constexpr std::size_t hash_size = 64;
  // Authentication runs on the broker thread: a file asking for more would let every CONNECT
  // stall the broker for seconds.
  static constexpr std::uint32_t max_iterations = 1'000'000;

  algorithm kind = algorithm::pbkdf2_sha512;
  std::uint32_t iterations = default_iterations;  // pbkdf2_sha512 only
  std::vector<std::uint8_t> salt;
  std::vector<std::uint8_t> hash;

  // Throws std::invalid_argument saying what is wrong with the field (never quoting it).
  static password_hash parse(std::string_view field);
  // PBKDF2-SHA512 with a fresh random salt. Throws std::invalid_argument for a password with a
  // NUL byte (Mosquitto could not check it), std::runtime_error when the system has no
  // randomness to give.
  static password_hash create(std::string_view password);

  std::string format() const;
  // Derives the hash of password with this salt and compares in constant time. A password with
  // a NUL byte never matches.
  bool verify(std::string_view password) const;
};

}  // namespace telemq::auth
