// aiostreams/testing/environment_sweep.hpp: a sweep configured by AIOSTREAMS_SEEDS,
// AIOSTREAMS_FAULTS and AIOSTREAMS_JOBS (the samples are in support/kit_samples.cpp).
#include "aiostreams/testing/environment_sweep.hpp"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

namespace {
// Sets the variables for one test case and clears them after it.
struct Environment {
  Environment(const char* seeds, const char* faults, const char* jobs = "1") {
    ::setenv("AIOSTREAMS_SEEDS", seeds, 1);
    ::setenv("AIOSTREAMS_FAULTS", faults, 1);
    ::setenv("AIOSTREAMS_JOBS", jobs, 1);
  }
  ~Environment() {
    ::unsetenv("AIOSTREAMS_SEEDS");
    ::unsetenv("AIOSTREAMS_FAULTS");
    ::unsetenv("AIOSTREAMS_JOBS");
  }
};

std::string error_of(const std::string& test) {
  try {
    aiostreams::testing::sweep_from_environment(test, "./prog");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(nothing thrown)";
}
}  // namespace

TEST_CASE("an environment sweep runs the seeds of AIOSTREAMS_SEEDS and passes when every seed does", "[testing]") {
  const Environment environment("1..5", "none");
  const auto sweep = aiostreams::testing::sweep_from_environment("kit-tiny", "./prog");
  CHECK(sweep.passed);
  CHECK(sweep.report.empty());
  REQUIRE(sweep.results.size() == 5);
  CHECK(sweep.results.front().seed == 1);
  CHECK(sweep.results.back().seed == 5);
}

TEST_CASE("an environment sweep reports each failed seed with its replay command", "[testing]") {
  const Environment environment("1..10", "none", "2");
  const auto sweep = aiostreams::testing::sweep_from_environment("kit-planted", "./prog");
  CHECK_FALSE(sweep.passed);
  CHECK(sweep.results.size() == 10);
  INFO(sweep.report);
  CHECK(sweep.report.find("kit-planted seed 3 failed:\n") != std::string::npos);
  CHECK(sweep.report.find("kit-planted seed 8 failed:\n") != std::string::npos);
  CHECK(sweep.report.find("seed 4 failed") == std::string::npos);
  CHECK(sweep.report.find("replay: ./prog run --test kit-planted --seed 3") != std::string::npos);
}

TEST_CASE("an environment sweep fails when a sometimes never held", "[testing]") {
  const Environment environment("1..3", "none");
  const auto sweep = aiostreams::testing::sweep_from_environment("kit-never", "./prog");
  CHECK_FALSE(sweep.passed);
  CHECK(sweep.report.find("never held in 3 seeds") != std::string::npos);
}

TEST_CASE("an environment sweep names a bad variable or an unknown test", "[testing]") {
  {
    const Environment environment("5..1", "none");
    CHECK(error_of("kit-tiny").find("AIOSTREAMS_SEEDS") != std::string::npos);
  }
  {
    const Environment environment("1..2", "bogus=1");
    CHECK(error_of("kit-tiny").find("AIOSTREAMS_FAULTS: unknown fault 'bogus'") != std::string::npos);
  }
  {
    const Environment environment("1..2", "none", "0");
    CHECK(error_of("kit-tiny").find("AIOSTREAMS_JOBS") != std::string::npos);
  }
  {
    const Environment environment("0..18446744073709551615", "none");
    CHECK(error_of("kit-tiny") ==
          "AIOSTREAMS_SEEDS: more than 10000000 seeds in one process (spread the sweep over shards)");
  }
  const Environment environment("1..2", "none");
  CHECK(error_of("no-such-test") == "no simulation test named 'no-such-test' is registered");
}
