#include "aiostreams/conformance/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "aiostreams/conformance/reader_scenario.hpp"

namespace aiostreams::conformance {

namespace {
[[noreturn]] void fail_errno(const char* what, int error) {
  throw ScenarioError(std::string(what) + ": " + std::strerror(error));
}

// Closes the descriptor on every path out.
struct Descriptor {
  int fd;
  ~Descriptor() { ::close(fd); }
};
}  // namespace

std::string read_input_file(const std::string& path, std::size_t cap) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail_errno("cannot open the file", errno);
  Descriptor guard{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) fail_errno("cannot stat the file", errno);
  if (S_ISDIR(info.st_mode)) throw ScenarioError("is a directory, not a file");
  const std::string too_large = "the file is larger than the limit of " + std::to_string(cap) + " bytes";
  // A regular file says its size: refuse it before reading a byte.
  if (S_ISREG(info.st_mode) && static_cast<std::size_t>(info.st_size) > cap) throw ScenarioError(too_large);
  std::string text;
  char chunk[64 * 1024];
  for (;;) {
    // Never more than cap + 1 bytes: one past the cap proves it too large.
    const std::size_t want = std::min(sizeof chunk, cap + 1 - text.size());
    const ssize_t got = ::read(fd, chunk, want);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail_errno("cannot read the file", errno);
    if (got == 0) break;
    text.append(chunk, static_cast<std::size_t>(got));
    if (text.size() > cap) throw ScenarioError(too_large);
  }
  return text;
}

}  // namespace aiostreams::conformance
