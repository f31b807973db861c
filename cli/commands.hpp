// The subcommands of the aiostreams CLI. Each returns the process exit status.
#pragma once

namespace aiostreams::cli {

/// aiostreams reader-script [--loop sim|asio] FILE...: prints {"results": [...]} per file, in order.
/// A malformed file: a message naming the file and the problem on stderr, exit status 2.
int reader_script(int argc, char** argv);

/// aiostreams sim list | faults | run | sweep: the bundled workloads on the simulator (see
/// --help). `program` is argv[0] of the process, for the replay commands it prints.
int sim_command(const char* program, int argc, char** argv);

}  // namespace aiostreams::cli
