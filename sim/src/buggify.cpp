#include "aiostreams/sim/buggify.hpp"

#include "aiostreams/loop.hpp"
#include "aiostreams/sim/sim_loop.hpp"

namespace aiostreams::sim {

bool buggify(const char* file, int line) noexcept {
  auto* loop = dynamic_cast<SimLoop*>(current_loop());
  if (loop == nullptr) return false;
  try {
    return loop->buggify_site(file, line);
  } catch (...) {
    return false;
  }
}

}  // namespace aiostreams::sim
