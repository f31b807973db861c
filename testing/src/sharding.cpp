// Shard selection from flags and CI environments (see sharding.hpp).
#include "aiostreams/testing/sharding.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace aiostreams::testing {

Environment process_environment() {
  return [](const char* name) -> const char* { return std::getenv(name); };
}

namespace {
std::uint64_t number(const std::string& text, const std::string& what) {
  const bool digits = !text.empty() && text.size() <= 19 && text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits) throw std::invalid_argument(what + ": '" + text + "' is not a non-negative integer");
  return std::stoull(text);
}

Shard checked(std::uint64_t index, std::uint64_t total, std::string source, const std::string& index_name,
              const std::string& total_name) {
  if (total == 0) throw std::invalid_argument(total_name + ": the number of shards must be at least 1");
  if (index >= total) {
    throw std::invalid_argument(index_name + ": shard index " + std::to_string(index) + " is out of range: with " +
                                std::to_string(total) + " shards it must be in 0.." + std::to_string(total - 1));
  }
  Shard shard;
  shard.index = index;
  shard.total = total;
  shard.source = std::move(source);
  return shard;
}

std::optional<std::string> get(const Environment& environment, const char* name) {
  const char* value = environment(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

// A pair of variables, both or neither.
std::optional<Shard> from_pair(const Environment& environment, const char* total_name, const char* index_name) {
  const auto total = get(environment, total_name);
  const auto index = get(environment, index_name);
  if (!total && !index) return std::nullopt;
  if (!total || !index) {
    throw std::invalid_argument(std::string(total ? index_name : total_name) + " is not set, but " +
                                (total ? total_name : index_name) + " is: set both or neither");
  }
  return checked(number(*index, index_name), number(*total, total_name), total_name, index_name, total_name);
}
}  // namespace

Shard select_shard(const std::optional<std::string>& flag, const std::optional<std::uint64_t>& shards_total,
                   const Environment& environment) {
  if (flag) {
    const std::size_t slash = flag->find('/');
    if (slash == std::string::npos)
      throw std::invalid_argument("--shard: expected K/N (e.g. 0/4), got '" + *flag + "'");
    return checked(number(flag->substr(0, slash), "--shard"), number(flag->substr(slash + 1), "--shard"), "--shard",
                   "--shard", "--shard");
  }
  if (auto shard = from_pair(environment, "TEST_TOTAL_SHARDS", "TEST_SHARD_INDEX")) {
    if (auto status = get(environment, "TEST_SHARD_STATUS_FILE")) shard->status_file = *status;
    return *shard;
  }
  if (auto shard = from_pair(environment, "GTEST_TOTAL_SHARDS", "GTEST_SHARD_INDEX")) return *shard;
  if (const auto index = get(environment, "JOB_COMPLETION_INDEX")) {
    std::uint64_t total = 0;
    std::string total_name = "--shards-total";
    if (shards_total) {
      total = *shards_total;
    } else if (const auto variable = get(environment, "AIOSTREAMS_TOTAL_SHARDS")) {
      total_name = "AIOSTREAMS_TOTAL_SHARDS";
      total = number(*variable, total_name);
    } else {
      throw std::invalid_argument(
          "JOB_COMPLETION_INDEX is set, but not the number of shards: pass --shards-total N or set "
          "AIOSTREAMS_TOTAL_SHARDS (the Job's completions)");
    }
    return checked(number(*index, "JOB_COMPLETION_INDEX"), total, "JOB_COMPLETION_INDEX", "JOB_COMPLETION_INDEX",
                   total_name);
  }
  if (shards_total)
    throw std::invalid_argument("--shards-total: only used with JOB_COMPLETION_INDEX, which is not set");
  return Shard{};
}

std::vector<std::uint64_t> Shard::seeds(std::uint64_t first, std::uint64_t last) const {
  std::vector<std::uint64_t> chosen;
  if (index > last - first) return chosen;
  const std::uint64_t more = (last - first - index) / total;  // the seeds after the first (no overflow)
  if (more >= max_seeds_per_process) {
    throw std::invalid_argument("more than " + std::to_string(max_seeds_per_process) +
                                " seeds in one process (spread the sweep over shards)");
  }
  chosen.reserve(more + 1);
  for (std::uint64_t seed = first;; ++seed) {
    if (contains(first, seed)) chosen.push_back(seed);
    if (seed == last) break;
  }
  return chosen;
}

void touch_status_file(const Shard& shard) {
  if (shard.status_file.empty()) return;
  std::ofstream file(shard.status_file, std::ios::app);
  if (!file) throw std::runtime_error("TEST_SHARD_STATUS_FILE: cannot create '" + shard.status_file + "'");
}

}  // namespace aiostreams::testing
