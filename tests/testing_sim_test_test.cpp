// aiostreams/testing/sim_test.hpp: registration, and what a test body records.
#include "aiostreams/testing/sim_test.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "aiostreams/testing/runner.hpp"
#include "support/kit_samples.hpp"

using namespace aiostreams::testing;

namespace {
SeedResult run(const char* name, std::uint64_t seed, const std::string& faults = "none") {
  const TestCase* test = find_test(name);
  REQUIRE(test != nullptr);
  RunConfig config;
  config.faults = faults;
  return run_seed(*test, config, seed);
}
}  // namespace

TEST_CASE("AIOSTREAMS_SIM_TEST registers a test under its name and description", "[testing]") {
  const TestCase* test = find_test("kit-tiny");
  REQUIRE(test != nullptr);
  CHECK(test->description == "sleeps a virtual second");
  CHECK(find_test("kit-no-such-test") == nullptr);
}

TEST_CASE("register_test refuses a duplicate, an empty name and a name with spaces", "[testing]") {
  auto body = [](SimTest&) -> aiostreams::Task<void> { co_return; };
  CHECK_THROWS_AS(register_test("kit-tiny", "again", body), std::invalid_argument);
  CHECK_THROWS_AS(register_test("", "empty", body), std::invalid_argument);
  CHECK_THROWS_AS(register_test("two words", "spaces", body), std::invalid_argument);
}

TEST_CASE("a tiny registered test runs on a seed and passes", "[testing]") {
  const SeedResult result = run("kit-tiny", 4);
  CHECK(result.ok);
  CHECK(result.violations.empty());
  CHECK(result.virtual_seconds >= 1.0);
  CHECK(result.sometimes == std::map<std::string, bool>{{"even seed", true}});
  CHECK(run("kit-tiny", 5).sometimes == std::map<std::string, bool>{{"even seed", false}});
  CHECK(result.counters == std::map<std::string, std::uint64_t>{{"seconds slept", 3}});
}

TEST_CASE("check records a violation only when its condition is false", "[testing]") {
  CHECK(run("kit-planted", 2).ok);
  const SeedResult failed = run("kit-planted", 3);
  CHECK_FALSE(failed.ok);
  CHECK(failed.violations == std::vector<std::string>{"planted: seed % 5 == 3"});
}

TEST_CASE("an exception from the body and a deadlock are violations, not crashes", "[testing]") {
  const SeedResult threw = run("kit-throws", 1);
  REQUIRE(threw.violations.size() == 1);
  CHECK_THAT(threw.violations[0], Catch::Contains("the test body threw") && Catch::Contains("boom"));
  const SeedResult stuck = run("kit-deadlock", 1);
  CHECK_FALSE(stuck.ok);
  REQUIRE_FALSE(stuck.violations.empty());
}

TEST_CASE("on_quiet must finish within its bound of virtual time after the faults stop", "[testing]") {
  const SeedResult stuck = run("kit-stuck", 1);
  REQUIRE(stuck.violations.size() == 1);
  CHECK_THAT(stuck.violations[0], Catch::Contains("on_quiet did not complete within 5 s"));
  CHECK(stuck.virtual_seconds == Approx(5.0).margin(0.01));
  // kit-quiet checks, in its liveness coroutine, that no fault can fire any more.
  const SeedResult quiet = run("kit-quiet", 1, "reset=1,partition=1");
  CHECK(quiet.ok);
  CHECK(quiet.violations.empty());
}

TEST_CASE("Params::get returns a --param value or the fallback", "[testing]") {
  Params params;
  params.values["size"] = "10";
  CHECK(params.get("size") == "10");
  CHECK(params.get("missing", "7") == "7");
}
