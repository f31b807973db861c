// Prints the installed aiostreams version; fails if the header's parts disagree with its string.
#include <aiostreams/version.hpp>

#include <cstdio>
#include <string>

int main() {
  const std::string parts = std::to_string(aiostreams::version_major) + "." +
                            std::to_string(aiostreams::version_minor) + "." + std::to_string(aiostreams::version_patch);
  std::printf("aiostreams %s\n", aiostreams::version_string);
  if (parts != aiostreams::version_string) {
    std::fprintf(stderr, "version parts %s disagree with version_string\n", parts.c_str());
    return 1;
  }
  return 0;
}
