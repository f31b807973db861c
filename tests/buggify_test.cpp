#include "aiostreams/buggify.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "aiostreams/asio_loop.hpp"
#include "aiostreams/loop.hpp"
#include "aiostreams/sim/sim_loop.hpp"

using aiostreams::CurrentLoopScope;
using aiostreams::sim::SimLoop;

namespace {
// How often one fault point fires in 1000 evaluations on a fresh SimLoop with `seed`.
int count_fires(std::uint64_t seed) {
  SimLoop loop(seed);
  CurrentLoopScope scope(loop);
  int fires = 0;
  for (int i = 0; i < 1000; ++i) fires += AIOSTREAMS_BUGGIFY ? 1 : 0;
  return fires;
}

// The simulation's own draws after `sites` distinct fault points were evaluated.
std::vector<std::uint64_t> draws_after_sites(int sites) {
  SimLoop loop(7);
  CurrentLoopScope scope(loop);
  // Each line is its own site (file:line).
  if (sites > 0) (void)AIOSTREAMS_BUGGIFY;
  if (sites > 1) (void)AIOSTREAMS_BUGGIFY;
  if (sites > 2) (void)AIOSTREAMS_BUGGIFY;
  return {loop.rng().next_u64(), loop.rng().next_u64(), loop.rng().next_u64()};
}
}  // namespace

TEST_CASE("a fault point is false with no loop running and on the real backend") {
  CHECK_FALSE(AIOSTREAMS_BUGGIFY);
  aiostreams::AsioLoop real;
  CurrentLoopScope scope(real);
  bool any = false;
  for (int i = 0; i < 1000; ++i) any = any || AIOSTREAMS_BUGGIFY;
  CHECK_FALSE(any);
}

TEST_CASE("on the simulator a site is active for some seeds and then fires about a quarter of the time") {
  int active_seeds = 0;
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    const int fires = count_fires(seed);
    CHECK(fires == count_fires(seed));  // the same seed decides the same way
    if (fires > 0) {
      ++active_seeds;
      CHECK(fires > 180);
      CHECK(fires < 320);
    }
  }
  // About 25% of seeds activate the site: 10 of 40 expected.
  CHECK(active_seeds > 2);
  CHECK(active_seeds < 20);
}

TEST_CASE("a simulator with fault points disabled never fires one") {
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    SimLoop loop(seed);
    loop.set_buggify_enabled(false);
    CurrentLoopScope scope(loop);
    for (int i = 0; i < 100; ++i) REQUIRE_FALSE(AIOSTREAMS_BUGGIFY);
  }
}

TEST_CASE("adding a fault point does not shift the simulation's other draws") {
  const auto without = draws_after_sites(0);
  CHECK(draws_after_sites(1) == without);
  CHECK(draws_after_sites(3) == without);
}
