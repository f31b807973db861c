// The bundled workloads as kit tests (see workload_test.hpp).
#include "cli/workload_test.hpp"

namespace aiostreams::cli {

namespace {
namespace workloads = sim::workloads;

// Hands the report to the test when the body ends, however it ends (a deadlock cancels it).
struct ReportToTest {
  workloads::Report report;
  testing::SimTest& t;
  ~ReportToTest() {
    for (const auto& violation : report.violations) t.fail(violation);
    t.count("round_trips", report.round_trips);
    t.count("bytes", report.bytes);
    t.count("connection_errors", report.connection_errors);
  }
};

Task<void> run_workload(const workloads::Workload* workload, workloads::Params params, testing::SimTest& t) {
  ReportToTest out{{}, t};
  co_await workload->run(t.loop(), params, out.report);
}
}  // namespace

testing::TestCase workload_test(const workloads::Workload& workload, const workloads::Params& params) {
  return {workload.name, workload.description,
          [workload = &workload, params](testing::SimTest& t) { return run_workload(workload, params, t); }};
}

workloads::Report workload_report(const testing::SeedResult& result) {
  auto counter = [&result](const char* name) {
    const auto found = result.counters.find(name);
    return found == result.counters.end() ? 0 : found->second;
  };
  workloads::Report report;
  report.round_trips = counter("round_trips");
  report.bytes = counter("bytes");
  report.connection_errors = counter("connection_errors");
  report.violations = result.violations;
  return report;
}

}  // namespace aiostreams::cli
