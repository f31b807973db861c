// Sharding a sweep across machines or CI jobs, by the conventions they already use: seed i
// of the range A..B goes to shard (i - A) mod N.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace aiostreams::testing {

/// Which part of a sweep this process runs.
struct Shard {
  std::uint64_t index = 0;
  std::uint64_t total = 1;
  std::string source = "none";  ///< where it came from: "--shard", "TEST_TOTAL_SHARDS", ...
  std::string status_file;      ///< TEST_SHARD_STATUS_FILE, to touch (Bazel), or empty

  /// True when `seed` of the range starting at `first` belongs to this shard.
  bool contains(std::uint64_t first, std::uint64_t seed) const noexcept { return (seed - first) % total == index; }
  /// This shard's seeds of first..last, in order. Throws std::invalid_argument when they are
  /// more than max_seeds_per_process (spread such a sweep over shards).
  std::vector<std::uint64_t> seeds(std::uint64_t first, std::uint64_t last) const;
};

/// The most seeds one process runs (their list alone is 80 MB).
inline constexpr std::uint64_t max_seeds_per_process = 10'000'000;

/// Reads an environment variable: nullptr when unset. Tests pass their own.
using Environment = std::function<const char*(const char*)>;
/// The process environment (std::getenv).
Environment process_environment();

/// The shard to run, from the first that is given of:
///   --shard K/N (`flag`);
///   TEST_TOTAL_SHARDS and TEST_SHARD_INDEX (Bazel, GoogleTest; TEST_SHARD_STATUS_FILE is kept);
///   GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX;
///   JOB_COMPLETION_INDEX (Kubernetes indexed Jobs) with the total from --shards-total
///   (`shards_total`) or AIOSTREAMS_TOTAL_SHARDS;
/// else shard 0 of 1. Throws std::invalid_argument with a one-line message naming the option
/// or variable for a value that is not a number, a total of 0, an index >= total, or a
/// JOB_COMPLETION_INDEX without a total.
Shard select_shard(const std::optional<std::string>& flag, const std::optional<std::uint64_t>& shards_total,
                   const Environment& environment);

/// Creates (or updates) the status file, as Bazel asks of a test that supports sharding.
/// Throws std::runtime_error if it cannot.
void touch_status_file(const Shard& shard);

}  // namespace aiostreams::testing
