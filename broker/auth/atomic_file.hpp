#pragma once
// Replacing a file so that readers see the old contents or the new, never a mix or a torn write:
// a temporary file in the same folder, fsync, rename, then fsync of the folder. Used for the
// password file and the ACL file, which the broker re-reads while the admin API rewrites them.
#include <filesystem>
#include <string_view>

namespace telemq::auth {

enum class file_mode : unsigned char {
  owner_only,     // 0600 whatever the file had (the password file: hashes stay private)
  keep_existing,  // the permission bits of the file replaced; 0600 for a new file
};

// Writes contents to path atomically. When run as root the file keeps the owner and group of
// the file it replaces, so a file written by root for the broker's account stays readable.
// Throws std::runtime_error naming the file and the reason; the temporary file is removed.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents,
                           file_mode mode);

}  // namespace telemq::auth
