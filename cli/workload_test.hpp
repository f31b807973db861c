// A bundled workload as a test of the test kit: `aiostreams sim run/sweep` run the workloads
// through the kit's runner (aiostreams::testing), as a user's own tests run.
#pragma once

#include "aiostreams/sim/workloads.hpp"
#include "aiostreams/testing/runner.hpp"
#include "aiostreams/testing/sim_test.hpp"

namespace aiostreams::cli {

/// The test that runs `workload` with `params`: its report's violations become the test's,
/// its round trips, bytes and connection errors the counters "round_trips", "bytes" and
/// "connection_errors" (kept even when the run ends in a deadlock).
testing::TestCase workload_test(const sim::workloads::Workload& workload, const sim::workloads::Params& params);

/// A seed's result as the workload's report (counters and violations).
sim::workloads::Report workload_report(const testing::SeedResult& result);

}  // namespace aiostreams::cli
