// aiostreams sim list | run | sweep: the bundled workloads on the simulator, run by the test
// kit's runner (cli/workload_test.hpp), with this command's own spelling and output.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "aiostreams/sim/determinism.hpp"
#include "aiostreams/sim/fault_table.hpp"
#include "aiostreams/sim/network.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sim/workloads.hpp"
#include "aiostreams/testing/runner.hpp"
#include "cli/commands.hpp"
#include "cli/workload_test.hpp"

namespace aiostreams::cli {

namespace {
namespace workloads = sim::workloads;

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The usage text; the fault names come from the fault table.
std::string sim_usage() {
  return "usage: aiostreams sim list\n"
         "       aiostreams sim faults\n"
         "       aiostreams sim run --workload W --seed N [--faults F] [--clients N] [--rounds N]\n"
         "                          [--check-determinism]\n"
         "       aiostreams sim sweep --workload W --seeds A..B [--faults F] [--clients N] [--rounds N]\n"
         "                            [--check-determinism] [--jobs N]\n"
         "F: none (default), swarm (a fault mix drawn per seed; swarm*10: its durations 10x), or a list such as\n"
         "   reset=0.2,partition=0.1,connect_refused=0.05  (probabilities) of the faults\n"
         "   " +
         sim::fault_names() +
         "\n"
         "   (aiostreams sim faults describes them)\n";
}

struct Options {
  std::string program;  // how we were started (argv[0]), for replay commands
  const workloads::Workload* workload = nullptr;
  std::uint64_t first_seed = 0;
  std::uint64_t last_seed = 0;
  std::string faults = "none";
  workloads::Params params;
  bool check_determinism = false;
  int jobs = 1;  // sweep: worker processes (the test kit's --jobs)
};

std::uint64_t parse_seed(std::string_view text, const char* what) {
  if (text.empty()) throw UsageError(std::string(what) + " needs a number");
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      throw UsageError(std::string(what) + ": '" + std::string(text) + "' is not a non-negative integer");
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10)
      throw UsageError(std::string(what) + ": '" + std::string(text) + "' is too large");
    value = value * 10 + digit;
  }
  return value;
}

// Memory one client takes in each workload, at the default rounds: RSS over 1,000-4,000
// clients was 30-75 KB (slow reader: 560 KB, its uploads sit in simulated buffers), and
// the cost per client grows with the count (100,000 echo clients passed 7.9 GB), hence the
// margin.
std::uint64_t bytes_per_client(std::string_view workload) { return workload == "slow-reader" ? 1u << 20 : 128u << 10; }

// What this process may use: MemAvailable, or less under an address-space limit.
std::uint64_t available_memory() {
  std::uint64_t available = UINT64_MAX;
  if (std::FILE* meminfo = std::fopen("/proc/meminfo", "r")) {
    char line[256];
    unsigned long long kib = 0;
    while (std::fgets(line, sizeof line, meminfo) != nullptr) {
      if (std::sscanf(line, "MemAvailable: %llu kB", &kib) == 1) available = kib << 10;
    }
    std::fclose(meminfo);
  }
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    available = std::min<std::uint64_t>(available, limit.rlim_cur);
  }
  return available;
}

std::string mebibytes(std::uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// Refuses a run whose clients would not fit in memory, before it starts: past that it
// would only end in std::bad_alloc.
void check_clients_fit(const Options& options) {
  if (options.params.clients <= 0) return;
  const std::uint64_t each = bytes_per_client(options.workload->name);
  const std::uint64_t needed = each * static_cast<std::uint64_t>(options.params.clients);
  const std::uint64_t available = available_memory();
  if (needed <= available / 2) return;  // half: the run's own peaks and the rest of the machine
  throw UsageError("--clients " + std::to_string(options.params.clients) + " needs about " + mebibytes(needed) +
                   " (about " + std::to_string(each >> 10) + " KiB per " + options.workload->name + " client), but " +
                   mebibytes(available) + " is available; at most " + std::to_string(available / 2 / each) +
                   " clients fit");
}

int parse_count(std::string_view text, const char* what) {
  const std::uint64_t value = parse_seed(text, what);
  if (value < 1 || value > 100000) throw UsageError(std::string(what) + " must be between 1 and 100000");
  return static_cast<int>(value);
}

// "none", "swarm" or "name=p,name=p" (sim::parse_fault_spec), as a usage error.
sim::FaultSpec parse_faults(const std::string& spec) {
  try {
    return sim::parse_fault_spec(spec);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("--faults: ") + e.what());
  }
}

Options parse_options(const char* program, int argc, char** argv, bool sweep) {
  Options options;
  options.program = program;
  bool have_seed = false;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) throw UsageError(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--workload") {
      const std::string_view name = value();
      options.workload = workloads::find(name);
      if (options.workload == nullptr)
        throw UsageError("unknown workload '" + std::string(name) + "' (see: aiostreams sim list)");
    } else if (arg == "--seed" && !sweep) {
      options.first_seed = options.last_seed = parse_seed(value(), "--seed");
      have_seed = true;
    } else if (arg == "--seeds" && sweep) {
      const std::string_view range = value();
      const std::size_t dots = range.find("..");
      if (dots == std::string_view::npos) throw UsageError("--seeds takes a range A..B, e.g. 1..1000");
      options.first_seed = parse_seed(range.substr(0, dots), "--seeds");
      options.last_seed = parse_seed(range.substr(dots + 2), "--seeds");
      if (options.last_seed < options.first_seed) throw UsageError("--seeds: the range A..B needs A <= B");
      have_seed = true;
    } else if (arg == "--faults") {
      options.faults = std::string(value());
      (void)parse_faults(options.faults);  // validate now, with a clear message
    } else if (arg == "--clients") {
      options.params.clients = parse_count(value(), "--clients");
    } else if (arg == "--rounds") {
      options.params.rounds = parse_count(value(), "--rounds");
    } else if (arg == "--jobs" && sweep) {
      options.jobs = parse_count(value(), "--jobs");
    } else if (arg == "--check-determinism") {
      options.check_determinism = true;
    } else {
      throw UsageError("unknown option '" + std::string(arg) + "'");
    }
  }
  if (options.workload == nullptr) throw UsageError("--workload is required");
  if (!have_seed) throw UsageError(sweep ? "--seeds is required" : "--seed is required");
  options.params.faults = options.faults != "none";
  check_clients_fit(options);
  return options;
}

std::string replay(const Options& options, std::uint64_t seed) {
  std::string command = sim::replay_command(options.program, options.workload->name, seed, options.faults);
  if (options.params.clients > 0) command += " --clients " + std::to_string(options.params.clients);
  if (options.params.rounds > 0) command += " --rounds " + std::to_string(options.params.rounds);
  return command;
}

// The kit's configuration of a run: the workload's parameters live in its test (workload_test).
testing::RunConfig run_config(const Options& options) {
  testing::RunConfig config;
  config.program = options.program;
  config.faults = options.faults;
  config.determinism_fraction = options.check_determinism ? 1.0 : 0.0;
  return config;
}

// The determinism check's account, when it found a divergence (it is one of the violations).
const std::string* determinism_violation(const testing::SeedResult& result) {
  for (const auto& violation : result.violations) {
    if (violation.rfind("determinism: ", 0) == 0) return &violation;
  }
  return nullptr;
}

int run_command(const char* program, int argc, char** argv) {
  const Options options = parse_options(program, argc, argv, false);
  const testing::SeedResult result =
      testing::run_seed(workload_test(*options.workload, options.params), run_config(options), options.first_seed);
  std::printf("workload %s, seed %llu, faults %s\n", options.workload->name,
              static_cast<unsigned long long>(options.first_seed), options.faults.c_str());
  std::printf("%s\n", workload_report(result).summary().c_str());
  std::printf("digest %016llx, %llu events, %.6f s of virtual time\n", static_cast<unsigned long long>(result.digest),
              static_cast<unsigned long long>(result.events), result.virtual_seconds);
  if (result.determinism_checked) {
    std::printf("determinism: %s\n", determinism_violation(result) != nullptr ? "NOT deterministic (above)"
                                                                              : "deterministic (checked twice more)");
  }
  if (!result.ok) {
    std::printf("FAILED; replay with:\n  %s\n", replay(options, options.first_seed).c_str());
    return 1;
  }
  return 0;
}

int sweep_command(const char* program, int argc, char** argv) {
  const Options options = parse_options(program, argc, argv, true);
  const bool progress = isatty(fileno(stderr)) != 0;
  const auto started = std::chrono::steady_clock::now();  // wall time for the summary only
  std::vector<std::uint64_t> seeds;
  for (std::uint64_t seed = options.first_seed;; ++seed) {
    seeds.push_back(seed);
    if (seed == options.last_seed) break;
  }
  std::uint64_t done = 0, failed = 0;
  const auto results = testing::run_seeds(
      workload_test(*options.workload, options.params), run_config(options), seeds, options.jobs,
      [&](const testing::SeedResult& result) {
        ++done;
        failed += result.ok ? 0 : 1;
        if (progress) {
          std::fprintf(stderr, "\r%s: seed %llu (%llu/%zu), %llu failed", options.workload->name,
                       static_cast<unsigned long long>(result.seed), static_cast<unsigned long long>(done),
                       seeds.size(), static_cast<unsigned long long>(failed));
        }
      });
  if (progress) std::fputc('\n', stderr);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::uint64_t connection_errors = 0, round_trips = 0, events = 0;
  std::vector<std::pair<std::uint64_t, std::string>> failures;
  for (const auto& result : results) {
    const workloads::Report report = workload_report(result);
    connection_errors += report.connection_errors;
    round_trips += report.round_trips;
    events += result.events;
    if (!result.ok) {
      const std::string* determinism = determinism_violation(result);
      failures.emplace_back(result.seed, determinism != nullptr && result.violations.size() == 1
                                             ? determinism->substr(std::string("determinism: ").size())
                                             : report.summary());
    }
  }
  const std::uint64_t count = results.size();
  std::printf("%-12s %-10s %8s %8s %8s %12s %14s %12s %10s\n", "workload", "faults", "seeds", "passed", "failed",
              "round trips", "conn. errors", "events", "seeds/s");
  std::printf("%-12s %-10.10s %8llu %8llu %8llu %12llu %14llu %12llu %10.0f\n", options.workload->name,
              options.faults.c_str(), static_cast<unsigned long long>(count),
              static_cast<unsigned long long>(count - failures.size()),
              static_cast<unsigned long long>(failures.size()), static_cast<unsigned long long>(round_trips),
              static_cast<unsigned long long>(connection_errors), static_cast<unsigned long long>(events),
              seconds > 0 ? static_cast<double>(count) / seconds : 0.0);
  for (const auto& [seed, why] : failures) {
    std::printf("\nseed %llu FAILED: %s\n  replay: %s\n", static_cast<unsigned long long>(seed), why.c_str(),
                replay(options, seed).c_str());
  }
  return failures.empty() ? 0 : 1;
}

int list_command() {
  for (const auto& workload : workloads::all()) std::printf("%-12s %s\n", workload.name, workload.description);
  return 0;
}

// The fault table, as sim/README.md shows it.
int faults_command() {
  std::fputs(sim::fault_table_markdown().c_str(), stdout);
  return 0;
}
}  // namespace

int sim_command(const char* program, int argc, char** argv) {
  try {
    if (argc < 1) throw UsageError("a subcommand is required");
    const std::string_view sub = argv[0];
    if (sub == "list") return list_command();
    if (sub == "faults") return faults_command();
    if (sub == "run") return run_command(program, argc - 1, argv + 1);
    if (sub == "sweep") return sweep_command(program, argc - 1, argv + 1);
    throw UsageError("unknown subcommand '" + std::string(sub) + "'");
  } catch (const UsageError& e) {
    std::fprintf(stderr, "aiostreams sim: %s\n%s", e.what(), sim_usage().c_str());
    return 2;
  }
}

}  // namespace aiostreams::cli
