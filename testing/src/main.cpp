// The runner's command line (see main.hpp): CLI11 for the grammar, arguments.hpp for the
// values, runner/report/sharding for the work.
#include "aiostreams/testing/main.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "aiostreams/sim/fault_table.hpp"
#include "aiostreams/testing/report.hpp"
#include "aiostreams/testing/runner.hpp"
#include "aiostreams/testing/sharding.hpp"
#include "aiostreams/testing/sim_test.hpp"
#include "arguments.hpp"

namespace aiostreams::testing {

namespace {
using detail::UsageError;

// The options as typed; validated into a RunConfig by `resolve`.
struct Raw {
  std::string test, seed, seeds, faults = "none", clients, rounds, determinism, jobs = "1", shard, shards_total;
  std::vector<std::string> params;
  std::string json, junit;
  std::string merge_out;
  std::vector<std::string> merge_in;
};

void add_run_options(CLI::App& command, Raw& raw) {
  command.add_option("--test", raw.test, "the registered test to run (see: list)")->required();
  command.add_option(
      "--faults", raw.faults,
      "none (default), swarm (a mix drawn per seed; swarm*10 makes its durations 10x longer), or a list such as "
      "reset=0.2,partition=0.1 of the faults " +
          sim::fault_names());
  command.add_option("--clients", raw.clients, "Params::clients for the test (0: its default)");
  command.add_option("--rounds", raw.rounds, "Params::rounds for the test (0: its default)");
  command.add_option("--param", raw.params, "KEY=VALUE for Params::values (repeatable)");
  command.add_flag("--check-determinism{1.0}", raw.determinism,
                   "rerun this share of the seeds (default 1.0) twice and compare their events");
}

const TestCase& resolve_test(const Raw& raw, const char* program) {
  const TestCase* test = find_test(raw.test);
  if (test == nullptr) {
    throw UsageError("--test: unknown test '" + raw.test + "' (see: " + std::string(program) + " list)");
  }
  return *test;
}

RunConfig resolve(const Raw& raw, const char* program) {
  RunConfig config;
  config.program = program;
  config.faults = raw.faults;
  try {
    (void)sim::parse_fault_spec(raw.faults);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--faults: ") + e.what());
  }
  if (!raw.clients.empty())
    config.params.clients = static_cast<int>(detail::parse_count(raw.clients, "--clients", 0, 1000000));
  if (!raw.rounds.empty())
    config.params.rounds = static_cast<int>(detail::parse_count(raw.rounds, "--rounds", 0, 1000000000));
  for (const auto& param : raw.params) {
    const std::size_t equals = param.find('=');
    if (equals == 0 || equals == std::string::npos) {
      throw UsageError("--param: expected KEY=VALUE, got '" + param + "'");
    }
    config.params.values[param.substr(0, equals)] = param.substr(equals + 1);
  }
  if (!raw.determinism.empty()) {
    config.determinism_fraction = detail::parse_fraction(raw.determinism, "--check-determinism");
  }
  return config;
}

int list_command() {
  for (const auto& test : registered_tests()) std::printf("%-24s %s\n", test.name.c_str(), test.description.c_str());
  return 0;
}

int run_command(const Raw& raw, const char* program) {
  const TestCase& test = resolve_test(raw, program);
  const RunConfig config = resolve(raw, program);
  const SeedResult result = run_seed(test, config, detail::parse_uint(raw.seed, "--seed"));
  std::printf("test %s, seed %llu, faults %s\n", result.test.c_str(), static_cast<unsigned long long>(result.seed),
              result.faults.c_str());
  for (const auto& violation : result.violations) std::printf("  violation: %s\n", violation.c_str());
  for (const auto& [name, held] : result.sometimes) {
    std::printf("  sometimes(\"%s\"): %s\n", name.c_str(), held ? "held" : "did not hold");
  }
  std::printf("digest %016llx, %llu events, %llu faults fired, %.6f s of virtual time%s\n",
              static_cast<unsigned long long>(result.digest), static_cast<unsigned long long>(result.events),
              static_cast<unsigned long long>(result.faults_fired), result.virtual_seconds,
              result.determinism_checked ? ", determinism checked" : "");
  if (!result.ok) {
    std::printf("FAILED; replay with:\n  %s\n", result.replay.c_str());
    return 1;
  }
  std::printf("ok\n");
  return 0;
}

int sweep_command(const Raw& raw, const char* program) {
  const TestCase& test = resolve_test(raw, program);
  const RunConfig config = resolve(raw, program);
  const detail::SeedRange range = detail::parse_range(raw.seeds, "--seeds");
  const int jobs = static_cast<int>(detail::parse_count(raw.jobs, "--jobs", 1, 1024));
  std::optional<std::string> shard_flag;
  if (!raw.shard.empty()) shard_flag = raw.shard;
  std::optional<std::uint64_t> shards_total;
  if (!raw.shards_total.empty()) shards_total = detail::parse_uint(raw.shards_total, "--shards-total");
  Shard shard;
  try {
    shard = select_shard(shard_flag, shards_total, process_environment());
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  touch_status_file(shard);

  std::vector<std::uint64_t> seeds;
  try {
    seeds = shard.seeds(range.first, range.last);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--seeds: ") + e.what());
  }
  const bool progress = ::isatty(STDOUT_FILENO) != 0;
  std::size_t done = 0, failed = 0;
  const auto started = std::chrono::steady_clock::now();  // for seeds/s only
  const auto results = run_seeds(test, config, seeds, jobs, [&](const SeedResult& result) {
    ++done;
    failed += result.ok ? 0 : 1;
    if (progress) {
      std::printf("\r%s: %zu/%zu seeds, %zu failed", test.name.c_str(), done, seeds.size(), failed);
      std::fflush(stdout);
    }
  });
  if (progress) std::printf("\r\033[K");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!raw.json.empty()) write_json_lines(raw.json, results);
  if (!raw.junit.empty()) write_file(raw.junit, junit_xml(results));
  if (shard.total > 1) {
    std::printf("shard %llu/%llu (from %s): %zu of the %llu seeds %llu..%llu\n",
                static_cast<unsigned long long>(shard.index), static_cast<unsigned long long>(shard.total),
                shard.source.c_str(), seeds.size(), static_cast<unsigned long long>(range.last - range.first + 1),
                static_cast<unsigned long long>(range.first), static_cast<unsigned long long>(range.last));
  }
  if (results.empty()) {
    std::printf("no seeds in this shard\n");
    return 0;
  }
  print_summary(stdout, results, seconds);
  return all_passed(results) ? 0 : 1;
}

int merge_command(const Raw& raw) {
  std::vector<SeedResult> results;
  try {
    results = merge_reports(raw.merge_in);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("report merge: ") + e.what());
  }
  write_json_lines(raw.merge_out, results);
  std::printf("merged %zu seeds from %zu files into %s\n", results.size(), raw.merge_in.size(), raw.merge_out.c_str());
  if (!results.empty()) print_summary(stdout, results, 0);
  return all_passed(results) ? 0 : 1;
}
}  // namespace

int main(int argc, char** argv) {
  const char* program = argc > 0 ? argv[0] : "aiostreams-test";
  Raw raw;
  CLI::App app{"Simulation tests: run registered tests on seeded simulated networks, under faults."};
  app.name(program);
  app.require_subcommand(1);
  auto* list = app.add_subcommand("list", "list the registered tests");
  auto* run = app.add_subcommand("run", "run one seed of a test, with details");
  add_run_options(*run, raw);
  run->add_option("--seed", raw.seed, "the seed")->required();
  auto* sweep = app.add_subcommand("sweep", "run a test on a range of seeds");
  add_run_options(*sweep, raw);
  sweep->add_option("--seeds", raw.seeds, "the range A..B (both included)")->required();
  sweep->add_option("--jobs", raw.jobs, "worker processes (default 1); results do not depend on it");
  sweep->add_option("--shard", raw.shard, "K/N: run only the seeds i with (i - A) mod N == K");
  sweep->add_option("--shards-total", raw.shards_total, "N, with Kubernetes' JOB_COMPLETION_INDEX as K");
  sweep->add_option("--json", raw.json, "write one JSON object per seed to this file");
  sweep->add_option("--junit", raw.junit, "write a JUnit XML report to this file");
  auto* report = app.add_subcommand("report", "work with --json reports");
  report->require_subcommand(1);
  auto* merge = report->add_subcommand("merge", "merge shard reports into OUT, sorted by test and seed");
  merge->add_option("out", raw.merge_out, "the merged report")->required();
  merge->add_option("inputs", raw.merge_in, "the shard reports")->required();
  try {
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      throw UsageError(std::string(e.what()) + " (see " + program + " --help)");
    }
    if (list->parsed()) return list_command();
    if (run->parsed()) return run_command(raw, program);
    if (sweep->parsed()) return sweep_command(raw, program);
    return merge_command(raw);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
    return 2;
  }
}

}  // namespace aiostreams::testing
