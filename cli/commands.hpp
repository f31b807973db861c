// The subcommands of the aiostreams CLI. Each returns the process exit status.
#pragma once

namespace aiostreams::cli {

/// aiostreams reader-script [--loop sim|asio] FILE...: prints {"results": [...]} per file, in order.
/// A malformed file: a message naming the file and the problem on stderr, exit status 2.
int reader_script(int argc, char** argv);

/// aiostreams sim list | run | sweep: the bundled workloads on the simulator (see --help).
int sim_command(int argc, char** argv);

}  // namespace aiostreams::cli
