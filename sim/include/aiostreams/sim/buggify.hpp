// Kept for code written before fault points moved to the core: <aiostreams/buggify.hpp> is the
// header now, and aiostreams::sim::buggify the same function as aiostreams::buggify.
#pragma once

#include "aiostreams/buggify.hpp"

namespace aiostreams::sim {
using ::aiostreams::buggify;
}  // namespace aiostreams::sim
