// A stand-in for libFuzzer's driver, linked with any *_fuzz.cpp target when the build is not
// using clang's libFuzzer (the g++ ASan/UBSan build that `make test` runs):
//
//   prog CORPUS_DIR_OR_FILE... [--mutations=N] [--seed=S] [--max-len=BYTES]
//
// It runs every corpus file, then N inputs derived deterministically from them (bit flips, byte
// inserts and deletes, interesting values, splices of two files), so a failure found here is
// reproduced by the same command. When the target crashes, the input is written to
// ./replay-crash-<n> first.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);
extern "C" __attribute__((weak)) void __sanitizer_set_death_callback(void (*callback)());

namespace {

using input = std::vector<std::uint8_t>;

// The input being run, kept where a crash handler can reach it without allocating.
const input* current = nullptr;
std::size_t current_index = 0;

void write_current() {
  if (current == nullptr) {
    return;
  }
  char name[64];
  std::snprintf(name, sizeof name, "replay-crash-%zu", current_index);
  const int fd = ::open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    std::size_t written = 0;
    while (written < current->size()) {
      const ssize_t n = ::write(fd, current->data() + written, current->size() - written);
      if (n <= 0) {
        break;
      }
      written += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }
  const char note[] = "replay: crashing input written to ./replay-crash-*\n";
  [[maybe_unused]] const ssize_t ignored = ::write(2, note, sizeof note - 1);
  current = nullptr;
}

void on_signal(int signal) {
  write_current();
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

// splitmix64: small, fast and the same on every platform, which is all determinism needs.
class prng {
 public:
  explicit prng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t bound) {
    return bound == 0 ? 0 : static_cast<std::size_t>(next() % bound);
  }

 private:
  std::uint64_t state_;
};

void run(const input& data, std::size_t index) {
  current = &data;
  current_index = index;
  // An exact-size heap copy, so reading one byte past the end is caught by ASan.
  const input copy(data);
  LLVMFuzzerTestOneInput(copy.empty() ? nullptr : copy.data(), copy.size());
  current = nullptr;
}

void mutate_once(input& data, const std::vector<input>& corpus, prng& random, std::size_t max_len) {
  constexpr std::uint8_t interesting[] = {0x00, 0x01, 0x02, 0x03, 0x0F, 0x10,
                                          0x7F, 0x80, 0x81, 0xC0, 0xFE, 0xFF};
  switch (random.below(7)) {
    case 0:  // flip one bit
      if (!data.empty()) {
        data[random.below(data.size())] ^= static_cast<std::uint8_t>(1u << random.below(8));
      }
      break;
    case 1:  // overwrite a byte with an interesting value
      if (!data.empty()) {
        data[random.below(data.size())] = interesting[random.below(std::size(interesting))];
      }
      break;
    case 2:  // insert random bytes
      if (data.size() < max_len) {
        const std::size_t count = 1 + random.below(std::min<std::size_t>(8, max_len - data.size()));
        const std::size_t at = random.below(data.size() + 1);
        for (std::size_t i = 0; i < count; ++i) {
          data.insert(data.begin() + static_cast<std::ptrdiff_t>(at),
                      static_cast<std::uint8_t>(random.next()));
        }
      }
      break;
    case 3:  // delete a range
      if (!data.empty()) {
        const std::size_t at = random.below(data.size());
        const std::size_t count = 1 + random.below(std::min<std::size_t>(16, data.size() - at));
        data.erase(data.begin() + static_cast<std::ptrdiff_t>(at),
                   data.begin() + static_cast<std::ptrdiff_t>(at + count));
      }
      break;
    case 4:  // splice: a prefix of this input, a suffix of another corpus file
      if (!corpus.empty()) {
        const input& other = corpus[random.below(corpus.size())];
        const std::size_t keep = random.below(data.size() + 1);
        const std::size_t from = random.below(other.size() + 1);
        data.resize(keep);
        data.insert(data.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
      }
      break;
    case 5:  // duplicate a chunk (repeated packets, repeated properties)
      if (!data.empty() && data.size() < max_len) {
        const std::size_t at = random.below(data.size());
        const std::size_t count =
            1 + random.below(std::min<std::size_t>({32, data.size() - at, max_len - data.size()}));
        const input chunk(data.begin() + static_cast<std::ptrdiff_t>(at),
                          data.begin() + static_cast<std::ptrdiff_t>(at + count));
        data.insert(data.begin() + static_cast<std::ptrdiff_t>(at), chunk.begin(), chunk.end());
      }
      break;
    default:  // add or subtract a little (lengths, counts)
      if (!data.empty()) {
        const std::size_t at = random.below(data.size());
        data[at] = static_cast<std::uint8_t>(data[at] + static_cast<int>(random.below(9)) - 4);
      }
      break;
  }
  if (data.size() > max_len) {
    data.resize(max_len);
  }
}

bool read_file(const std::filesystem::path& path, input& out) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return false;
  }
  out.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  return true;
}

bool number_option(std::string_view arg, std::string_view name, std::uint64_t& value) {
  if (!arg.starts_with(name)) {
    return false;
  }
  value = std::strtoull(std::string(arg.substr(name.size())).c_str(), nullptr, 10);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t mutations = 0;
  std::uint64_t seed = 0x7E1E3A;
  std::uint64_t max_len = 4096;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (number_option(arg, "--mutations=", mutations) || number_option(arg, "--seed=", seed) ||
        number_option(arg, "--max-len=", max_len)) {
      continue;
    }
    if (arg.starts_with("-")) {
      std::fprintf(stderr,
                   "unknown option %s\nusage: %s CORPUS... [--mutations=N] [--seed=S] "
                   "[--max-len=BYTES]\n",
                   argv[i], argv[0]);
      return 2;
    }
    const std::filesystem::path path(arg);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
        if (entry.is_regular_file()) {
          files.push_back(entry.path());
        }
      }
    } else if (std::filesystem::is_regular_file(path, ec)) {
      files.push_back(path);
    } else {
      std::fprintf(stderr, "replay: no such corpus file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  // Directory order differs between file systems; sorting keeps runs identical everywhere.
  std::sort(files.begin(), files.end());

  if (LLVMFuzzerInitialize != nullptr) {
    LLVMFuzzerInitialize(&argc, &argv);
  }
  if (__sanitizer_set_death_callback != nullptr) {
    __sanitizer_set_death_callback(write_current);
  }
  std::signal(SIGABRT, on_signal);
  std::signal(SIGSEGV, on_signal);

  std::vector<input> corpus;
  for (const auto& path : files) {
    input data;
    if (!read_file(path, data)) {
      std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
      return 2;
    }
    corpus.push_back(std::move(data));
  }
  std::size_t index = 0;
  for (const input& data : corpus) {
    run(data, index++);
  }

  prng random(seed);
  for (std::uint64_t i = 0; i < mutations; ++i) {
    input data = corpus.empty() ? input{} : corpus[random.below(corpus.size())];
    const std::size_t rounds = 1 + random.below(4);
    for (std::size_t r = 0; r < rounds; ++r) {
      mutate_once(data, corpus, random, static_cast<std::size_t>(max_len));
    }
    run(data, index++);
  }
  std::printf("replayed %zu files, %llu mutations, no crash\n", corpus.size(),
              static_cast<unsigned long long>(mutations));
  return 0;
}
