// aiostreams/testing/runner.hpp: seeds, replay commands, determinism checks, --jobs.
#include "aiostreams/testing/runner.hpp"

#include <catch2/catch.hpp>

#include "aiostreams/testing/report.hpp"
#include "support/kit_samples.hpp"

using namespace aiostreams::testing;

namespace {
const TestCase& test_named(const char* name) {
  const TestCase* test = find_test(name);
  REQUIRE(test != nullptr);
  return *test;
}

std::vector<std::uint64_t> range(std::uint64_t first, std::uint64_t last) {
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t seed = first; seed <= last; ++seed) seeds.push_back(seed);
  return seeds;
}

// A report line without the wall time, which is the only field allowed to differ.
std::string without_seconds(SeedResult result) {
  result.seconds = 0;
  return to_json_line(result);
}
}  // namespace

TEST_CASE("the replay command names the user's binary, the test, the seed and the faults", "[testing]") {
  RunConfig config;
  config.program = "/opt/my tests/bin/service_test";
  config.faults = "swarm";
  CHECK(replay_command(config, "echo", 42) ==
        "'/opt/my tests/bin/service_test' run --test echo --seed 42 --faults swarm");
  config.params.clients = 3;
  config.params.values["mode"] = "fast";
  CHECK(replay_command(config, "echo", 7) ==
        "'/opt/my tests/bin/service_test' run --test echo --seed 7 --faults swarm --clients 3 --param mode=fast");
}

TEST_CASE("a planted failing test is reported with the exact replay command", "[testing]") {
  RunConfig config;
  config.program = "./build/bin/my_sim_tests";
  const SeedResult result = run_seed(test_named("kit-planted"), config, 8);
  CHECK_FALSE(result.ok);
  CHECK(result.replay == "./build/bin/my_sim_tests run --test kit-planted --seed 8 --faults none");
}

TEST_CASE("the option --check-determinism selects seeds by the seed alone, in the asked share", "[testing]") {
  std::size_t selected = 0;
  for (std::uint64_t seed = 0; seed < 10000; ++seed) {
    CHECK(determinism_selected(seed, 1.0));
    CHECK_FALSE(determinism_selected(seed, 0.0));
    const bool chosen = determinism_selected(seed, 0.25);
    CHECK(chosen == determinism_selected(seed, 0.25));
    if (chosen) CHECK(determinism_selected(seed, 0.5));  // a larger share keeps the smaller's seeds
    selected += chosen ? 1 : 0;
  }
  CHECK(selected > 2300);
  CHECK(selected < 2700);
}

TEST_CASE("a determinism check of a deterministic test passes and is marked in the result", "[testing]") {
  RunConfig config;
  config.faults = "swarm";
  config.determinism_fraction = 1.0;
  const SeedResult result = run_seed(test_named("kit-net"), config, 11);
  CHECK(result.determinism_checked);
  CHECK(result.ok);
}

TEST_CASE("the same seed gives the same digest, and different seeds differ", "[testing]") {
  RunConfig config;
  config.faults = "swarm";
  const SeedResult a = run_seed(test_named("kit-net"), config, 5);
  const SeedResult b = run_seed(test_named("kit-net"), config, 5);
  const SeedResult c = run_seed(test_named("kit-net"), config, 6);
  CHECK(a.digest == b.digest);
  CHECK(a.digest != c.digest);
}

TEST_CASE("sweeps with --jobs 2 and 3 give the per-seed results of --jobs 1, ordered by seed", "[testing]") {
  RunConfig config;
  config.faults = "swarm";
  const auto seeds = range(1, 40);
  const auto one = run_seeds(test_named("kit-net"), config, seeds, 1);
  REQUIRE(one.size() == seeds.size());
  std::uint64_t fired = 0;
  for (const auto& r : one) fired += r.faults_fired;
  CHECK(fired > 0);  // the swarm really injected faults
  for (const int jobs : {2, 3}) {
    std::size_t progress_calls = 0;
    const auto many =
        run_seeds(test_named("kit-net"), config, seeds, jobs, [&](const SeedResult&) { ++progress_calls; });
    CHECK(progress_calls == seeds.size());
    REQUIRE(many.size() == one.size());
    for (std::size_t i = 0; i < one.size(); ++i) {
      CHECK(many[i].seed == seeds[i]);
      CHECK(without_seconds(many[i]) == without_seconds(one[i]));
    }
  }
}

TEST_CASE("failures found in worker processes come back with their violations", "[testing]") {
  const auto results = run_seeds(test_named("kit-planted"), RunConfig{}, range(1, 10), 2);
  for (const auto& result : results) {
    CHECK(result.ok == !samples::planted_fails(result.seed));
    if (!result.ok) CHECK(result.violations == std::vector<std::string>{"planted: seed % 5 == 3"});
  }
}

TEST_CASE("a worker process that dies leaves its unreported seeds failed, with the reason", "[testing]") {
  const auto results = run_seeds(test_named("kit-exits"), RunConfig{}, range(1, 6), 2);
  REQUIRE(results.size() == 6);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const SeedResult& result = results[i];
    CHECK(result.seed == i + 1);
    // Worker 1 ran seeds 2, 4, 6 and exited in seed 2; worker 0 ran 1, 3, 5.
    if (result.seed % 2 == 0) {
      CHECK_FALSE(result.ok);
      CHECK_THAT(result.violations.at(0), Catch::Contains("exited with status 7 before reporting this seed"));
    } else {
      CHECK(result.ok);
    }
  }
}
