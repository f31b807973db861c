#include "aiostreams/sim/buggify.hpp"

#include <catch2/catch.hpp>
#include <cstdint>

#include "aiostreams/loop.hpp"
#include "aiostreams/sim/sim_loop.hpp"

// The old header keeps old code compiling: sim::buggify is the core's function itself.
constexpr bool (*core_buggify)(const char*, int) noexcept = &aiostreams::buggify;
constexpr bool (*sim_buggify)(const char*, int) noexcept = &aiostreams::sim::buggify;
static_assert(sim_buggify == core_buggify);

TEST_CASE("sim::buggify answers as the core fault point for the same site") {
  // Two loops with one seed, asked about the same file:line, one through each name.
  int seeds_that_fired = 0;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    int through_sim = 0;
    int through_core = 0;
    {
      aiostreams::sim::SimLoop loop(seed);
      aiostreams::CurrentLoopScope scope(loop);
      for (int i = 0; i < 200; ++i) through_sim += aiostreams::sim::buggify("site.cpp", 1) ? 1 : 0;
    }
    {
      aiostreams::sim::SimLoop loop(seed);
      aiostreams::CurrentLoopScope scope(loop);
      for (int i = 0; i < 200; ++i) through_core += aiostreams::buggify("site.cpp", 1) ? 1 : 0;
    }
    CHECK(through_sim == through_core);
    seeds_that_fired += through_sim > 0 ? 1 : 0;
  }
  CHECK(seeds_that_fired > 0);                           // else the comparison above proved nothing
  CHECK_FALSE(aiostreams::sim::buggify("site.cpp", 1));  // no loop running
}
