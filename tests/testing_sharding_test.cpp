// aiostreams/testing/sharding.hpp: --shard and the CI systems' environment variables.
#include "aiostreams/testing/sharding.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>

using namespace aiostreams::testing;

namespace {
// An environment made of a map.
Environment env(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const char* name) -> const char* {
    const auto found = variables.find(name);
    return found == variables.end() ? nullptr : found->second.c_str();
  };
}

Shard pick(std::map<std::string, std::string> variables, std::optional<std::string> flag = std::nullopt,
           std::optional<std::uint64_t> total = std::nullopt) {
  return select_shard(flag, total, env(std::move(variables)));
}

std::string error_of(std::map<std::string, std::string> variables, std::optional<std::string> flag = std::nullopt,
                     std::optional<std::uint64_t> total = std::nullopt) {
  try {
    pick(std::move(variables), flag, total);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("shards 0..N-1 together run every seed of a range exactly once", "[testing]") {
  for (const std::uint64_t total : {1u, 2u, 3u, 7u, 16u}) {
    for (const auto& [first, last] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
             {0, 0}, {1, 1}, {1, 50}, {5, 6}, {1000, 1099}, {UINT64_MAX - 20, UINT64_MAX - 1}}) {
      std::map<std::uint64_t, int> runs;
      for (std::uint64_t index = 0; index < total; ++index) {
        const Shard shard = pick({}, std::to_string(index) + "/" + std::to_string(total));
        for (const std::uint64_t seed : shard.seeds(first, last)) ++runs[seed];
      }
      INFO("total " << total << ", seeds " << first << ".." << last);
      CHECK(runs.size() == last - first + 1);
      for (const auto& [seed, count] : runs) CHECK(count == 1);
    }
  }
}

TEST_CASE("seed i of A..B goes to shard (i - A) mod N", "[testing]") {
  const Shard shard = pick({}, std::string("2/4"));
  CHECK(shard.contains(10, 12));
  CHECK(shard.contains(10, 16));
  CHECK_FALSE(shard.contains(10, 13));
}

TEST_CASE("without --shard or variables there is one shard", "[testing]") {
  const Shard shard = pick({});
  CHECK(shard.index == 0);
  CHECK(shard.total == 1);
}

TEST_CASE("Bazel's TEST_TOTAL_SHARDS and TEST_SHARD_INDEX select the shard and keep the status file", "[testing]") {
  const Shard shard =
      pick({{"TEST_TOTAL_SHARDS", "4"}, {"TEST_SHARD_INDEX", "3"}, {"TEST_SHARD_STATUS_FILE", "/tmp/status"}});
  CHECK(shard.index == 3);
  CHECK(shard.total == 4);
  CHECK(shard.source == "TEST_TOTAL_SHARDS");
  CHECK(shard.status_file == "/tmp/status");
}

TEST_CASE("touch_status_file creates the file Bazel names", "[testing]") {
  const auto path = std::filesystem::temp_directory_path() / "aiostreams_shard_status_test";
  std::filesystem::remove(path);
  touch_status_file(
      pick({{"TEST_TOTAL_SHARDS", "2"}, {"TEST_SHARD_INDEX", "0"}, {"TEST_SHARD_STATUS_FILE", path.string()}}));
  CHECK(std::filesystem::exists(path));
  std::filesystem::remove(path);
}

TEST_CASE("GoogleTest's GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX select the shard", "[testing]") {
  const Shard shard = pick({{"GTEST_TOTAL_SHARDS", "5"}, {"GTEST_SHARD_INDEX", "1"}});
  CHECK(shard.index == 1);
  CHECK(shard.total == 5);
  CHECK(shard.source == "GTEST_TOTAL_SHARDS");
}

TEST_CASE("Kubernetes' JOB_COMPLETION_INDEX takes the total from --shards-total or AIOSTREAMS_TOTAL_SHARDS",
          "[testing]") {
  const Shard from_flag = pick({{"JOB_COMPLETION_INDEX", "2"}}, std::nullopt, 3);
  CHECK(from_flag.index == 2);
  CHECK(from_flag.total == 3);
  const Shard from_env = pick({{"JOB_COMPLETION_INDEX", "0"}, {"AIOSTREAMS_TOTAL_SHARDS", "8"}});
  CHECK(from_env.index == 0);
  CHECK(from_env.total == 8);
  CHECK_THAT(error_of({{"JOB_COMPLETION_INDEX", "0"}}), Catch::Contains("--shards-total"));
}

TEST_CASE("the option --shard wins over the environment, and Bazel's variables over GoogleTest's", "[testing]") {
  CHECK(pick({{"TEST_TOTAL_SHARDS", "4"}, {"TEST_SHARD_INDEX", "3"}}, std::string("1/2")).total == 2);
  CHECK(pick({{"TEST_TOTAL_SHARDS", "4"},
              {"TEST_SHARD_INDEX", "3"},
              {"GTEST_TOTAL_SHARDS", "9"},
              {"GTEST_SHARD_INDEX", "0"}})
            .total == 4);
}

TEST_CASE("bad shard settings are rejected with a message that names the setting", "[testing]") {
  CHECK_THAT(error_of({}, std::string("4/4")), Catch::Contains("--shard") && Catch::Contains("0..3"));
  CHECK_THAT(error_of({}, std::string("0/0")), Catch::Contains("--shard") && Catch::Contains("at least 1"));
  CHECK_THAT(error_of({}, std::string("1")), Catch::Contains("--shard: expected K/N"));
  CHECK_THAT(error_of({}, std::string("a/2")), Catch::Contains("'a' is not a non-negative integer"));
  CHECK_THAT(error_of({{"TEST_TOTAL_SHARDS", "2"}, {"TEST_SHARD_INDEX", "2"}}), Catch::Contains("TEST_SHARD_INDEX"));
  CHECK_THAT(error_of({{"TEST_TOTAL_SHARDS", "2"}}), Catch::Contains("TEST_SHARD_INDEX is not set"));
  CHECK_THAT(error_of({{"GTEST_TOTAL_SHARDS", "0"}, {"GTEST_SHARD_INDEX", "0"}}),
             Catch::Contains("GTEST_TOTAL_SHARDS"));
  CHECK_THAT(error_of({{"JOB_COMPLETION_INDEX", "-1"}, {"AIOSTREAMS_TOTAL_SHARDS", "2"}}),
             Catch::Contains("JOB_COMPLETION_INDEX"));
  CHECK_THAT(error_of({}, std::nullopt, 3), Catch::Contains("--shards-total"));
}
