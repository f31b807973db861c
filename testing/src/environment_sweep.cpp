#include "aiostreams/testing/environment_sweep.hpp"

#include <cstdlib>
#include <stdexcept>

#include "aiostreams/sim/fault_table.hpp"
#include "aiostreams/testing/report.hpp"
#include "aiostreams/testing/sharding.hpp"
#include "aiostreams/testing/sim_test.hpp"
#include "arguments.hpp"

namespace aiostreams::testing {

namespace {
std::string variable(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}
}  // namespace

EnvironmentSweep sweep_from_environment(const std::string& test, const std::string& program) {
  const TestCase* found = find_test(test);
  if (found == nullptr) throw std::invalid_argument("no simulation test named '" + test + "' is registered");
  RunConfig config;
  config.program = program;
  config.faults = variable("AIOSTREAMS_FAULTS", "swarm");
  detail::SeedRange range;
  int jobs = 1;
  try {
    sim::parse_fault_spec(config.faults);
    range = detail::parse_range(variable("AIOSTREAMS_SEEDS", "1..100"), "AIOSTREAMS_SEEDS");
    jobs = static_cast<int>(detail::parse_count(variable("AIOSTREAMS_JOBS", "1"), "AIOSTREAMS_JOBS", 1, 1024));
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(std::string("AIOSTREAMS_FAULTS: ") + error.what());
  } catch (const detail::UsageError& error) {
    throw std::invalid_argument(error.what());
  }
  std::vector<std::uint64_t> seeds;
  try {
    seeds = Shard{}.seeds(range.first, range.last);
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(std::string("AIOSTREAMS_SEEDS: ") + error.what());
  }
  EnvironmentSweep sweep;
  sweep.results = run_seeds(*found, config, seeds, jobs);
  sweep.passed = all_passed(sweep.results);
  for (const SeedResult& result : sweep.results) {
    if (result.ok) continue;
    sweep.report += test + " seed " + std::to_string(result.seed) + " failed:\n";
    for (const std::string& violation : result.violations) sweep.report += "  " + violation + "\n";
    sweep.report += "  replay: " + result.replay + "\n";
  }
  for (const NeverHeld& never : sometimes_never_held(sweep.results)) {
    for (const std::string& name : never.names) {
      sweep.report += "sometimes '" + name + "' never held in " + std::to_string(seeds.size()) + " seeds\n";
    }
  }
  return sweep;
}

}  // namespace aiostreams::testing
