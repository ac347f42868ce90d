#pragma once
// The admin API's bearer token: 32 random bytes as hex in DATA_DIR/admin.token (mode 0600),
// created at the first start and kept afterwards, so telemqctl on the same machine reads it and a
// remote operator can be given it once.
#include <filesystem>
#include <string>
#include <string_view>

namespace telemq::admin {

inline constexpr std::string_view token_file_name = "admin.token";

// Reads DATA_DIR/admin.token, creating it when it does not exist (temporary file, fsync,
// rename). Throws std::runtime_error naming the file when it cannot be read or written, or holds
// no token.
std::string load_or_create_token(const std::filesystem::path& data_dir);

// Reads a token file; throws std::runtime_error naming the file when it cannot.
std::string read_token_file(const std::filesystem::path& path);

// Whether an Authorization header value is "Bearer TOKEN" with this token. Takes the same time
// whatever the header holds, so timing does not reveal how much of a guess was right.
bool bearer_matches(std::string_view authorization, std::string_view token);

}  // namespace telemq::admin
