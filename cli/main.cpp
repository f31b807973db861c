// The aiostreams command line: a small dispatcher over subcommands.
#include <cstdio>
#include <string_view>

#include "aiostreams/testing/main.hpp"
#include "cli/commands.hpp"

namespace {
void usage() {
  std::fputs(
      "usage: aiostreams COMMAND [ARGS...]\n"
      "commands:\n"
      "  reader-script FILE...          run reader conformance scenarios on our StreamReader,\n"
      "                                 one line of result JSON per file\n"
      "  sim list|faults|run|sweep ...  run the bundled workloads on the simulator, under faults\n"
      "  report merge OUT.json IN.json...  merge the --json reports of sharded sweeps (the test\n"
      "                                 kit's, aiostreams::testing), sorted by test and seed\n",
      stderr);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage();
    return 2;
  }
  const std::string_view command = argv[1];
  if (command == "reader-script") return aiostreams::cli::reader_script(argc - 2, argv + 2);
  if (command == "sim") return aiostreams::cli::sim_command(argv[0], argc - 2, argv + 2);
  if (command == "report") return aiostreams::testing::main(argc, argv);  // the test kit's `report merge`
  if (command == "--help" || command == "-h" || command == "help") {
    usage();
    return 0;
  }
  std::fprintf(stderr, "aiostreams: unknown command '%s'\n", argv[1]);
  usage();
  return 2;
}
