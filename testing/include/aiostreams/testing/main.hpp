// The runner's command line, for a user's test binary:
//
//   #include <aiostreams/testing/main.hpp>
//   int main(int argc, char** argv) { return aiostreams::testing::main(argc, argv); }
//
// gives it the subcommands
//   list                                   the registered tests
//   run --test T --seed N                  one seed, with details
//   sweep --test T --seeds A..B            many seeds: --jobs, --shard, --json, --junit
//   report merge OUT IN...                 merge the --json reports of shards
// (`<binary> --help` and `<binary> sweep --help` describe every option).
#pragma once

namespace aiostreams::testing {

/// Parses the command line and runs the subcommand over registered_tests(). Returns 0 when
/// everything passed, 1 when a seed failed (or a `sometimes` never held), 2 for a bad
/// command line (after printing one line that names the option and what it expects).
/// Failing seeds are printed with the command that replays them with argv[0].
int main(int argc, char** argv);

}  // namespace aiostreams::testing
