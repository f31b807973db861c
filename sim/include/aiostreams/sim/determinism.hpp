// The determinism self-check and the replay command of a failing run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/task.hpp"

namespace aiostreams::sim {

/// A workload: configures the loop (hosts, faults) and returns the main task, which is run
/// with aiostreams::run(loop, ...). An exception it throws is part of the run's outcome.
using Workload = std::function<Task<void>(SimLoop& loop)>;

/// What check_determinism() found.
struct DeterminismReport {
  bool deterministic = true;
  std::uint64_t seed = 0;
  std::uint64_t first_digest = 0, second_digest = 0;
  std::uint64_t first_events = 0, second_events = 0;  // recorded events per run
  /// The first event that differs (valid when !deterministic): its index, the virtual
  /// time of each run's event at that index, and both descriptions ("<end of run>" when
  /// one run is shorter).
  std::size_t index = 0;
  std::int64_t first_time_ns = 0, second_time_ns = 0;
  std::string first_event, second_event;
  /// "deterministic (digest ...)" or a multi-line account of the first divergence.
  std::string to_string() const;
};

/// Runs `workload` on SimLoop(seed) twice with the trace on and compares the runs event by
/// event. Never throws for the workload's own exceptions (they end the run and are recorded).
DeterminismReport check_determinism(std::uint64_t seed, const Workload& workload);

/// The one command that replays a run:
/// "build/bin/aiostreams sim run --workload echo --seed 42 --faults swarm".
std::string replay_command(const std::string& workload_name, std::uint64_t seed, const std::string& faults = "none");

}  // namespace aiostreams::sim
