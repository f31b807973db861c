// The test kit inside Catch2: a TEST_CASE that sweeps a registered simulation test over the
// seeds and faults of the environment (see environment_sweep.hpp):
//
//   AIOSTREAMS_SIM_TEST("echo", "...")(aiostreams::testing::SimTest& t) { ... }
//   TEST_CASE("echo holds under the swarm") { AIOSTREAMS_CHECK_SWEEP("echo", "./my_tests"); }
//
// A failure lists each failed seed with its violations and the command that replays it.
// Header-only: include it after <catch2/catch.hpp> in a Catch2 2.x test.
#pragma once

#include <catch2/catch.hpp>

#include "aiostreams/testing/environment_sweep.hpp"

/// Sweeps `test` and CHECKs that it passed; `program` names the binary in replay commands.
#define AIOSTREAMS_CHECK_SWEEP(test, program)                             \
  do {                                                                    \
    const ::aiostreams::testing::EnvironmentSweep aiostreams_sweep_ =     \
        ::aiostreams::testing::sweep_from_environment((test), (program)); \
    INFO(aiostreams_sweep_.report);                                       \
    CHECK(aiostreams_sweep_.passed);                                      \
  } while (false)
