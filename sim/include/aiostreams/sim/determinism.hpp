// The determinism self-check and the replay command of a failing run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

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

/// The one command that replays a run of the test (workload) `test` with `seed` and `faults`:
/// replay_command("build/bin/aiostreams", "echo", 42, "swarm") is
/// "build/bin/aiostreams sim run --workload echo --seed 42 --faults swarm". `program` is the
/// binary as the caller was started (its argv[0]), so the command works where the run did.
/// Words that a shell would split or expand are single-quoted.
std::string replay_command(std::string_view program, std::string_view test, std::uint64_t seed,
                           std::string_view faults = "none");

/// `word` as one POSIX shell word: unchanged when no character in it is special to a shell,
/// else single-quoted ("a b" -> "'a b'"). replay_command() quotes each word with it.
std::string shell_word(std::string_view word);

}  // namespace aiostreams::sim
