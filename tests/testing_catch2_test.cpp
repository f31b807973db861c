// aiostreams/testing/catch2.hpp: a kit sweep as a Catch2 check (the samples are in
// support/kit_samples.cpp).
#include "aiostreams/testing/catch2.hpp"

#include <stdlib.h>

TEST_CASE("AIOSTREAMS_CHECK_SWEEP passes for a test whose seeds all pass", "[testing]") {
  ::setenv("AIOSTREAMS_SEEDS", "1..4", 1);
  ::setenv("AIOSTREAMS_FAULTS", "swarm", 1);
  AIOSTREAMS_CHECK_SWEEP("kit-net", "./prog");
  ::unsetenv("AIOSTREAMS_SEEDS");
  ::unsetenv("AIOSTREAMS_FAULTS");
}
