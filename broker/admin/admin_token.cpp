#include "broker/admin/admin_token.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "broker/text/ascii.hpp"

namespace telemq::admin {
namespace {

constexpr std::size_t token_bytes = 32;

std::string system_error(std::string_view what, const std::filesystem::path& path) {
  return fmt::format("cannot {} '{}': {}", what, path.string(), std::strerror(errno));
}

std::string new_token() {
  std::array<unsigned char, token_bytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("no random bytes for the admin token (OpenSSL RAND_bytes failed)");
  }
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const unsigned char b : bytes) {
    hex += fmt::format("{:02x}", b);
  }
  return hex;
}

// Temporary file (mkstemp makes it 0600), fsync, rename, fsync of the folder: a crash leaves
// either no token file or a whole one, never a truncated token that telemqctl would send.
void write_atomically(const std::filesystem::path& path, std::string_view text) {
  std::string temp_name = path.string() + ".tmp-XXXXXX";
  const int fd = ::mkstemp(temp_name.data());
  if (fd < 0) {
    throw std::runtime_error(system_error("create", temp_name));
  }
  const std::filesystem::path temp = temp_name;
  const auto fail = [&](std::string_view what) {
    const std::string message = system_error(what, temp);
    ::close(fd);
    ::unlink(temp.c_str());
    throw std::runtime_error(message);
  };
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      fail("write");
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fsync(fd) != 0) {
    fail("sync");
  }
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string message = system_error("rename to", path);
    ::unlink(temp.c_str());
    throw std::runtime_error(message);
  }
  const int dir = ::open(path.parent_path().empty() ? "." : path.parent_path().c_str(),
                         O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

}  // namespace

std::string read_token_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error(system_error("read", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  const std::string content = text.str();
  const std::string_view token = text::trim(content);
  if (token.empty()) {
    throw std::runtime_error(
        fmt::format("'{}' holds no token: delete it and restart telemq to "
                    "make a new one",
                    path.string()));
  }
  return std::string(token);
}

std::string load_or_create_token(const std::filesystem::path& data_dir) {
  const auto path = data_dir / token_file_name;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return read_token_file(path);
  }
  std::string token = new_token();
  write_atomically(path, token + "\n");
  return token;
}

bool bearer_matches(std::string_view authorization, std::string_view token) {
  constexpr std::string_view scheme = "bearer ";
  bool scheme_ok = authorization.size() > scheme.size();
  for (std::size_t i = 0; scheme_ok && i < scheme.size(); ++i) {
    const char c = authorization[i];
    scheme_ok = (c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c) == scheme[i];
  }
  const std::string_view given =
      scheme_ok ? text::trim(authorization.substr(scheme.size())) : std::string_view{};
  // The length of a token is no secret (64 hex digits); its content is compared in full.
  if (given.size() != token.size() || token.empty()) {
    return false;
  }
  return CRYPTO_memcmp(given.data(), token.data(), token.size()) == 0;
}

}  // namespace telemq::admin
