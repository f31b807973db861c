// A sweep of one registered test configured by the environment, for running the kit inside
// another test framework (catch2.hpp wraps it for Catch2). CI widens or narrows the sweep
// without a rebuild:
//   AIOSTREAMS_SEEDS   the seeds, "A..B"          (default 1..100)
//   AIOSTREAMS_FAULTS  none, swarm[*SCALE] or a spec as --faults takes (default swarm)
//   AIOSTREAMS_JOBS    worker processes           (default 1)
#pragma once

#include <string>
#include <vector>

#include "aiostreams/testing/runner.hpp"

namespace aiostreams::testing {

struct EnvironmentSweep {
  std::vector<SeedResult> results;
  bool passed = false;  ///< every seed passed and every `sometimes` held in some seed
  /// "" when passed; else the failed seeds with their violations and replay commands, and
  /// the `sometimes` that never held, one per line.
  std::string report;
};

/// Runs the registered test `test` over the environment's seeds and faults; `program` is the
/// binary for the replay commands (argv[0], or the test binary's path). Throws
/// std::invalid_argument for an unknown test or a malformed variable, naming it.
EnvironmentSweep sweep_from_environment(const std::string& test, const std::string& program);

}  // namespace aiostreams::testing
