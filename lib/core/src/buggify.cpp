#include "aiostreams/buggify.hpp"

#include "aiostreams/loop.hpp"

namespace aiostreams {

bool buggify(const char* file, int line) noexcept {
  Loop* loop = current_loop();
  if (loop == nullptr) return false;
  try {
    return loop->buggify_site(file, line);
  } catch (...) {
    return false;
  }
}

}  // namespace aiostreams
