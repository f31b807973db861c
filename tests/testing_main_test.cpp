// aiostreams/testing/main.hpp: the runner's command line, run in this process on the sample
// tests of support/kit_samples.cpp.
#include "aiostreams/testing/main.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "aiostreams/testing/report.hpp"
#include "support/capture_output.hpp"
#include "support/kit_samples.hpp"

using namespace aiostreams::testing;

namespace {
Captured kit(std::vector<std::string> words) {
  words.insert(words.begin(), "/path/to/user_tests");
  return capture_main(aiostreams::testing::main, std::move(words));
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("aiostreams_main_test_" + name)).string();
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream file(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(line);
  return lines;
}

// Sets environment variables for the scope of a test.
struct ScopedEnv {
  std::vector<std::string> names;
  explicit ScopedEnv(std::initializer_list<std::pair<const char*, const char*>> variables) {
    for (const auto& [name, value] : variables) {
      ::setenv(name, value, 1);
      names.emplace_back(name);
    }
  }
  ~ScopedEnv() {
    for (const auto& name : names) ::unsetenv(name.c_str());
  }
};
}  // namespace

TEST_CASE("list prints every registered test with its description", "[testing]") {
  const Captured list = kit({"list"});
  CHECK(list.code == 0);
  CHECK_THAT(list.out, Catch::Contains("kit-tiny") && Catch::Contains("sleeps a virtual second"));
}

TEST_CASE("run of a passing seed exits 0", "[testing]") {
  const Captured run = kit({"run", "--test", "kit-tiny", "--seed", "2"});
  CHECK(run.code == 0);
  CHECK_THAT(run.out, Catch::Contains("test kit-tiny, seed 2, faults none"));
}

TEST_CASE("a failing sweep prints each failed seed's replay command with the user's argv[0]", "[testing]") {
  const Captured sweep = kit({"sweep", "--test", "kit-planted", "--seeds", "1..10", "--jobs", "2"});
  CHECK(sweep.code == 1);
  CHECK_THAT(sweep.out,
             Catch::Contains("kit-planted seed 3 FAILED:\n  violation: planted: seed % 5 == 3\n"
                             "  replay: /path/to/user_tests run --test kit-planted --seed 3 --faults none\n"));
  CHECK_THAT(sweep.out, Catch::Contains("replay: /path/to/user_tests run --test kit-planted --seed 8 --faults none"));
  CHECK_THAT(sweep.out, !Catch::Contains("--seed 4 "));
  const Captured replay = kit({"run", "--test", "kit-planted", "--seed", "8"});
  CHECK(replay.code == 1);
  CHECK_THAT(replay.out, Catch::Contains("violation: planted: seed % 5 == 3"));
}

TEST_CASE("a sweep in which a sometimes never holds fails and names it", "[testing]") {
  const Captured sweep = kit({"sweep", "--test", "kit-never", "--seeds", "1..5"});
  CHECK(sweep.code == 1);
  CHECK_THAT(sweep.out, Catch::Contains("sometimes(\"never happens\") never held"));
  CHECK(kit({"sweep", "--test", "kit-tiny", "--seeds", "1..2"}).code == 0);  // "even seed" held at 2
  CHECK(kit({"sweep", "--test", "kit-tiny", "--seeds", "1..1"}).code == 1);  // ... but not at 1 alone
}

TEST_CASE("a sweep's --json with --jobs 2 has the per-seed lines of --jobs 1 except the wall time", "[testing]") {
  const std::string one = temp_path("jobs1.json"), two = temp_path("jobs2.json");
  CHECK(kit({"sweep", "--test", "kit-net", "--seeds", "1..30", "--faults", "swarm", "--json", one}).code == 0);
  CHECK(
      kit({"sweep", "--test", "kit-net", "--seeds", "1..30", "--faults", "swarm", "--jobs", "2", "--json", two}).code ==
      0);
  const auto a = lines_of(one), b = lines_of(two);
  REQUIRE(a.size() == 30);
  REQUIRE(b.size() == 30);
  for (std::size_t i = 0; i < a.size(); ++i) {
    SeedResult x = parse_json_line(a[i]), y = parse_json_line(b[i]);
    CHECK(x.seed == i + 1);
    x.seconds = y.seconds = 0;
    CHECK(to_json_line(x) == to_json_line(y));
  }
}

TEST_CASE("a sweep with --shard K/N runs seeds (i - A) mod N == K and report merge puts the shards together",
          "[testing]") {
  std::vector<std::string> shards;
  for (int k = 0; k < 3; ++k) {
    shards.push_back(temp_path("shard" + std::to_string(k) + ".json"));
    const Captured sweep = kit({"sweep", "--test", "kit-planted", "--seeds", "10..29", "--shard",
                                std::to_string(k) + "/3", "--json", shards.back()});
    CHECK_THAT(sweep.out, Catch::Contains("shard " + std::to_string(k) + "/3 (from --shard)"));
    for (const auto& line : lines_of(shards.back())) CHECK((parse_json_line(line).seed - 10) % 3 == std::uint64_t(k));
  }
  const std::string merged = temp_path("merged.json");
  std::vector<std::string> words{"report", "merge", merged};
  words.insert(words.end(), shards.begin(), shards.end());
  const Captured merge = kit(words);
  CHECK(merge.code == 1);  // kit-planted fails seeds 13, 18, 23 and 28
  CHECK_THAT(merge.out, Catch::Contains("merged 20 seeds from 3 files"));
  const auto lines = lines_of(merged);
  REQUIRE(lines.size() == 20);
  for (std::size_t i = 0; i < lines.size(); ++i) CHECK(parse_json_line(lines[i]).seed == 10 + i);
  // The same shard twice: a duplicate, named by file and line.
  const Captured duplicate = kit({"report", "merge", merged, shards[0], shards[0]});
  CHECK(duplicate.code == 2);
  CHECK_THAT(duplicate.err,
             Catch::Contains(shards[0] + ":1: test kit-planted seed 10 is already in " + shards[0] + ":1"));
}

// (kit-planted fails only seeds 3 and 8 of 0..11, which these shards do not run.)
TEST_CASE("the sharding environment variables are honored by sweep", "[testing]") {
  const std::string json = temp_path("env.json"), status = temp_path("status");
  std::filesystem::remove(status);
  std::set<std::uint64_t> seeds;
  {
    ScopedEnv env{{"TEST_TOTAL_SHARDS", "4"}, {"TEST_SHARD_INDEX", "1"}, {"TEST_SHARD_STATUS_FILE", status.c_str()}};
    CHECK(kit({"sweep", "--test", "kit-planted", "--seeds", "0..11", "--json", json}).code == 0);
    for (const auto& line : lines_of(json)) seeds.insert(parse_json_line(line).seed);
  }
  CHECK(seeds == std::set<std::uint64_t>{1, 5, 9});
  CHECK(std::filesystem::exists(status));
  seeds.clear();
  {
    ScopedEnv env{{"JOB_COMPLETION_INDEX", "2"}, {"AIOSTREAMS_TOTAL_SHARDS", "5"}};
    CHECK(kit({"sweep", "--test", "kit-planted", "--seeds", "0..11", "--json", json}).code == 0);
    for (const auto& line : lines_of(json)) seeds.insert(parse_json_line(line).seed);
  }
  CHECK(seeds == std::set<std::uint64_t>{2, 7});
  {
    ScopedEnv env{{"GTEST_TOTAL_SHARDS", "2"}, {"GTEST_SHARD_INDEX", "5"}};
    const Captured bad = kit({"sweep", "--test", "kit-tiny", "--seeds", "0..11"});
    CHECK(bad.code == 2);
    CHECK_THAT(bad.err, Catch::Contains("GTEST_SHARD_INDEX: shard index 5 is out of range"));
  }
}

TEST_CASE("bad arguments exit 2 with one line that names the option", "[testing]") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"sweep", "--test", "kit-tiny", "--seeds", "5"}, "--seeds: expected a range A..B"},
      {{"sweep", "--test", "kit-tiny", "--seeds", "1..2", "--jobs", "x"}, "--jobs: expected a non-negative integer"},
      {{"sweep", "--test", "kit-tiny", "--seeds", "1..2", "--faults", "bogus=1"}, "--faults: unknown fault 'bogus'"},
      {{"sweep", "--test", "nope", "--seeds", "1..2"}, "--test: unknown test 'nope'"},
      {{"sweep", "--test", "kit-tiny", "--seeds", "1..2", "--shard", "3/3"}, "--shard: shard index 3 is out of range"},
      {{"sweep", "--test", "kit-tiny", "--seeds", "1..2", "--check-determinism=1.5"}, "--check-determinism: expected"},
      {{"run", "--test", "kit-tiny"}, "--seed is required"},
      {{"run", "--test", "kit-tiny", "--seed", "-1"}, "--seed: expected a non-negative integer, got '-1'"},
      {{"sweep", "--test", "kit-tiny", "--seeds", "1..2", "--frobnicate"}, "--frobnicate"},
      {{}, "A subcommand is required"},
  };
  for (const auto& [words, message] : cases) {
    const Captured bad = kit(words);
    INFO(bad.err);
    CHECK(bad.code == 2);
    CHECK_THAT(bad.err, Catch::Contains(message));
    CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
  }
}
