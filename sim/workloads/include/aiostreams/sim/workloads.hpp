// Bundled workloads for the simulator: a server and clients on simulated hosts, talking
// through the streams API, with invariants checked as they go and at the end.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/task.hpp"

namespace aiostreams::sim::workloads {

struct Params {
  int clients = 0;      ///< 0: the workload's default
  int rounds = 0;       ///< requests per client; 0: the workload's default
  bool faults = false;  ///< faults are injected: connection errors are outcomes, not failures
};

struct Report {
  std::uint64_t round_trips = 0;        ///< completed request/response exchanges
  std::uint64_t bytes = 0;              ///< payload bytes checked end to end
  std::uint64_t connection_errors = 0;  ///< resets, refusals, timeouts seen by clients
  std::vector<std::string> violations;  ///< broken invariants, in the order found

  bool ok() const noexcept { return violations.empty(); }
  /// "ok: 100 round trips, 12345 bytes, 0 connection errors" or the violations.
  std::string summary() const;
};

using Run = Task<void> (*)(SimLoop& loop, const Params& params, Report& report);

struct Workload {
  const char* name;
  const char* description;
  Run run;
};

/// Every bundled workload, in a fixed order.
std::span<const Workload> all();
/// The workload with this name, or nullptr.
const Workload* find(std::string_view name);

/// Runs a workload to completion on `loop` (which the caller configured: faults, swarm).
/// A deadlock or an unexpected exception becomes a violation in the report.
Report run(SimLoop& loop, const Workload& workload, const Params& params);

}  // namespace aiostreams::sim::workloads
