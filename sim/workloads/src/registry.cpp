#include <array>

#include "aiostreams/run_until_complete.hpp"
#include "common.hpp"

namespace aiostreams::sim::workloads {

Task<void> run_echo(SimLoop&, const Params&, Report&);
Task<void> run_lines(SimLoop&, const Params&, Report&);
Task<void> run_frames(SimLoop&, const Params&, Report&);
Task<void> run_http(SimLoop&, const Params&, Report&);
Task<void> run_slow_reader(SimLoop&, const Params&, Report&);

namespace {
constexpr std::array<Workload, 5> workloads{{
    {"echo", "echo ping-pong: lines of random length echoed back (readline)", run_echo},
    {"lines", "a line protocol with a 1 KiB limit, lines up to exactly the limit (readline)", run_lines},
    {"frames", "length-prefixed binary frames answered with their hash (readexactly)", run_frames},
    {"http", "HTTP/1.1-style keep-alive requests and responses (readuntil \\r\\n\\r\\n, then a body)", run_http},
    {"slow-reader", "20 clients upload 256 KiB each to a slow reader; writers drain (backpressure)", run_slow_reader},
}};
}  // namespace

std::span<const Workload> all() { return workloads; }

const Workload* find(std::string_view name) {
  for (const auto& workload : workloads) {
    if (name == workload.name) return &workload;
  }
  return nullptr;
}

std::string Report::summary() const {
  std::string text = ok() ? "ok" : "FAILED";
  text += ": " + std::to_string(round_trips) + " round trips, " + std::to_string(bytes) + " bytes checked, " +
          std::to_string(connection_errors) + " connection errors";
  for (const auto& violation : violations) text += "\n  violation: " + violation;
  return text;
}

Report run(SimLoop& loop, const Workload& workload, const Params& params) {
  Report report;
  loop.set_exception_handler([&report, &params](const ExceptionContext& context) {
    // Under faults a handler may see a connection error; anything else is a finding.
    if (params.faults && context.exception && detail::is_connection_error(context.exception)) return;
    std::string message = "exception handler: " + context.message;
    if (context.exception) message += ": " + describe_exception(context.exception);
    report.violations.push_back(message);
  });
  try {
    aiostreams::run(loop, workload.run(loop, params, report));
  } catch (const std::exception& e) {
    report.violations.push_back(std::string("the run failed: ") + e.what());
  }
  loop.set_exception_handler(nullptr);
  return report;
}

}  // namespace aiostreams::sim::workloads
