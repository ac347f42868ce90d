#include "broker/auth/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace telemq::auth {
namespace {

std::string system_error(std::string_view what, const std::filesystem::path& path) {
  return fmt::format("cannot {} '{}': {}", what, path.string(), std::strerror(errno));
}

void write_all(int fd, std::string_view bytes, const std::filesystem::path& temp) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      throw std::runtime_error(system_error("write", temp));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// Owner (as root) and permission bits taken over from the file being replaced.
void take_over_attributes(int fd, const std::filesystem::path& path, file_mode mode,
                          const std::filesystem::path& temp) {
  struct stat existing {};
  if (::stat(path.c_str(), &existing) != 0) {
    return;
  }
  // Only root may give a file away; others keep their own.
  if (::geteuid() == 0 && ::fchown(fd, existing.st_uid, existing.st_gid) != 0) {
    throw std::runtime_error(system_error("set the owner of", temp));
  }
  if (mode == file_mode::keep_existing && ::fchmod(fd, existing.st_mode & 07777) != 0) {
    throw std::runtime_error(system_error("set the mode of", temp));
  }
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view contents,
                           file_mode mode) {
  const std::filesystem::path folder =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  // Appended piece by piece: g++ 12 at -O3 takes "." + name + suffix for an overlapping copy
  // (-Wrestrict, a known false positive) and warnings are errors.
  std::string leaf = ".";
  leaf += path.filename().string();
  leaf += ".XXXXXX";
  std::string temp_name = (folder / leaf).string();
  // mkstemp creates the file with mode 0600: nothing is readable by others, not even between
  // creation and rename.
  const int fd = ::mkstemp(temp_name.data());
  if (fd < 0) {
    throw std::runtime_error(system_error("create a temporary file in", folder));
  }
  const std::filesystem::path temp(temp_name);
  bool open = true;
  try {
    take_over_attributes(fd, path, mode, temp);
    write_all(fd, contents, temp);
    if (::fsync(fd) != 0) {
      throw std::runtime_error(system_error("fsync", temp));
    }
    open = false;  // the descriptor is gone after close() even when it reports an error
    if (::close(fd) != 0) {
      throw std::runtime_error(system_error("close", temp));
    }
  } catch (...) {
    if (open) {
      ::close(fd);
    }
    ::unlink(temp.c_str());
    throw;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string why = system_error("replace", path);
    ::unlink(temp.c_str());
    throw std::runtime_error(why);
  }
  // The rename is durable only once the folder's entry is on disk.
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

}  // namespace telemq::auth
