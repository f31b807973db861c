// The one list of the simulator's faults. The network (FaultConfig::any, to_string), the
// swarm's draw, the CLI's --faults and `aiostreams sim faults`, and sim/README.md all come
// from this table: add a fault here and it is everywhere.
#pragma once

#include <string>
#include <string_view>

#include "aiostreams/sim/network.hpp"

namespace aiostreams::sim {

/// One fault: a probability in FaultConfig.
struct FaultInfo {
  std::string_view name;         ///< as in --faults, FaultConfig::to_string() and the docs
  double FaultConfig::*field;    ///< its probability (0 = off)
  std::string_view description;  ///< what happens when it fires (Markdown)
  double swarm_max;              ///< Swarm::draw picks its probability in [0, swarm_max)
};

/// Every fault, in the order Swarm::draw draws them (reordering changes every swarm seed).
inline constexpr FaultInfo fault_table[] = {
    {"connect_refused", &FaultConfig::connect_refused, "connect raises ConnectionRefusedError after a round trip", 0.2},
    {"connect_hang", &FaultConfig::connect_hang,
     "connect never completes (label \"connect to (…) (hanging)\"); cancel it, e.g. wait_for", 0.05},
    {"backlog_full", &FaultConfig::backlog_full,
     "the listen queue counts as full: refused (also when `backlog` unaccepted connections queue)", 0.1},
    {"accept_error", &FaultConfig::accept_error,
     "the exception handler gets \"socket.accept() out of system resource\" (EMFILE); the client sees RST", 0.1},
    {"reset", &FaultConfig::reset, "both ends get ConnectionResetError at a moment uniform in [0, `fault_window`]",
     0.2},
    {"silent_close", &FaultConfig::silent_close,
     "the connection becomes a black hole both ways: no FIN, no RST, nothing arrives; writers fill the send "
     "buffer then pause",
     0.05},
    {"half_close", &FaultConfig::half_close,
     "the accepting side's kernel sends FIN early; that side's later writes fail with BrokenPipeError", 0.1},
    {"partition", &FaultConfig::partition,
     "the two hosts are partitioned (one way with `one_way_share`) for [`partition_min`, `partition_max`] s; "
     "segments are held, not lost",
     0.3},
    {"stall", &FaultConfig::stall, "a direction delivers nothing for [`stall_min`, `stall_max`] s", 0.3},
    {"slow_reader", &FaultConfig::slow_reader,
     "a socket hands its protocol at most `slow_reader_chunk` bytes every `slow_reader_interval` s", 0.3},
    {"host_crash", &FaultConfig::host_crash,
     "a host with a restart hook (`Network::on_restart`) crashes once in [0, `crash_window`] s: its tasks are "
     "cancelled, its listeners vanish, its connections reset (or, `crash_silent_share` of the time, go silent); "
     "the hook restarts it after [`restart_min`, `restart_max`] s",
     0.3},
};

/// The fault named `name`, or nullptr.
const FaultInfo* find_fault(std::string_view name) noexcept;

/// "connect_refused, connect_hang, ...": the names, for help texts and error messages.
std::string fault_names();

/// A run's faults as `--faults` spells them: "none", "swarm" (a mix drawn per seed with
/// Swarm::draw) or a list of probabilities such as "reset=0.2,partition=0.1".
struct FaultSpec {
  bool swarm = false;
  double duration_scale = 1.0;  ///< "swarm*10": the swarm's durations times 10 (Swarm::draw)
  FaultConfig config;           ///< the probabilities (all zero for "none" and "swarm")
  /// Applies the faults to `network`: enable_swarm(duration_scale) or set_faults(config).
  void apply(Network& network) const;
};

/// Parses a `--faults` value: "none", "swarm", "swarm*SCALE" (SCALE a positive decimal number)
/// or "name=P,..." with the names of the table. Throws std::invalid_argument with a one-line message that names
/// the bad item and what was expected ("unknown fault 'x' (known: ...)", "'reset=2': the
/// probability must be a decimal number in [0, 1], such as 0.2").
FaultSpec parse_fault_spec(const std::string& spec);

/// The table as the Markdown table in sim/README.md ("| fault | effect |" and one row per
/// fault, each line ending in '\n'). `aiostreams sim faults` prints it.
std::string fault_table_markdown();

}  // namespace aiostreams::sim
