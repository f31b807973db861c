// Running a registered test on seeds: one seed at a time, or a list of seeds spread over
// worker processes. A seed's result depends only on the test, the configuration and the
// seed: never on the wall clock, the worker it ran in, or how many workers there were.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "aiostreams/testing/sim_test.hpp"

namespace aiostreams::testing {

/// What every seed of a run shares.
struct RunConfig {
  std::string program = "aiostreams-test";  ///< argv[0], for replay commands
  std::string faults = "none";              ///< --faults: none, swarm or a spec (sim::parse_fault_spec)
  Params params;
  /// --check-determinism: the share of seeds (0..1) run twice more and compared event by
  /// event (sim::check_determinism); which seeds is decided by the seed alone.
  double determinism_fraction = 0;
};

/// The outcome of one seed (one line of the --json report).
struct SeedResult {
  std::string test;
  std::uint64_t seed = 0;
  bool ok = true;
  std::uint64_t digest = 0;        ///< SimLoop::digest() at the end of the run
  std::uint64_t events = 0;        ///< callbacks run
  std::uint64_t faults_fired = 0;  ///< network faults that fired
  double virtual_seconds = 0;      ///< virtual time at the end
  double seconds = 0;              ///< wall time the seed took (informative only)
  std::string faults = "none";     ///< the --faults value it ran with
  std::vector<std::string> violations;
  std::map<std::string, bool> sometimes;          ///< each `sometimes` name evaluated: did it hold?
  std::map<std::string, std::uint64_t> counters;  ///< SimTest::count
  bool determinism_checked = false;
  std::string replay;  ///< the command that reruns this seed
};

/// True when --check-determinism=`fraction` re-runs `seed`: a hash of the seed below the
/// fraction (1 selects every seed, 0 none).
bool determinism_selected(std::uint64_t seed, double fraction) noexcept;

/// "<program> run --test T --seed N [--faults F] [--clients N] [--rounds N] [--param k=v]...",
/// each word quoted for a POSIX shell where needed.
std::string replay_command(const RunConfig& config, const std::string& test, std::uint64_t seed);

/// Runs `test` on `seed`: the body, then the quiet phase (faults off, the on_quiet liveness
/// check within its bound), then the determinism check if selected. Exceptions of the body,
/// a deadlock and exceptions reaching the loop's handler become violations; never throws
/// for the test's own failures.
SeedResult run_seed(const TestCase& test, const RunConfig& config, std::uint64_t seed);

/// Called after each seed finishes (in completion order), for a progress line.
using Progress = std::function<void(const SeedResult&)>;

/// Runs every seed, spread over `jobs` forked worker processes when jobs > 1 (seed k of the
/// list goes to worker k mod jobs). Returns the results ordered by seed. A worker that dies
/// leaves its unreported seeds failed with a violation that says so.
std::vector<SeedResult> run_seeds(const TestCase& test, const RunConfig& config,
                                  const std::vector<std::uint64_t>& seeds, int jobs, const Progress& progress = {});

}  // namespace aiostreams::testing
