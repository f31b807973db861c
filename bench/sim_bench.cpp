// How fast the simulator runs: the echo workload (one client, 100 round trips) under a
// per-seed fault mix, one seed per iteration. Reports simulated events per second and
// seeds per second on one core.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "aiostreams/sim/network.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sim/workloads.hpp"

namespace {
namespace workloads = aiostreams::sim::workloads;

void run_seeds(benchmark::State& state, bool faults) {
  const workloads::Workload* echo = workloads::find("echo");
  const workloads::Params params{.clients = 1, .rounds = 100, .faults = faults};
  std::uint64_t seed = 1;
  std::uint64_t events = 0;
  std::uint64_t failures = 0;
  for (auto _ : state) {
    aiostreams::sim::SimLoop loop(seed++);
    if (faults) loop.network().enable_swarm();
    const workloads::Report report = workloads::run(loop, *echo, params);
    failures += report.ok() ? 0 : 1;
    events += loop.events_run();
    benchmark::DoNotOptimize(report.round_trips);
  }
  if (failures != 0) state.SkipWithError("a seed broke an invariant");
  state.counters["seeds_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events_per_seed"] = static_cast<double>(events) / static_cast<double>(state.iterations());
}

void BM_sim_echo_100_round_trips_with_faults(benchmark::State& state) { run_seeds(state, true); }
void BM_sim_echo_100_round_trips(benchmark::State& state) { run_seeds(state, false); }
}  // namespace

BENCHMARK(BM_sim_echo_100_round_trips_with_faults)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_sim_echo_100_round_trips)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
