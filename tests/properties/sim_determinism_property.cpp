// Property (network) 6: determinism.
//
// For a generated transfer (the workload of sim_transfer_property.cpp: data, write sizes,
// read calls, limit) and a generated network and fault plan (a reset included half the
// time), running the same seed twice gives the same digest (SimLoop::digest()), the same
// number of recorded events, the same final virtual time and the same outcome (the bytes
// the server read and how its reads ended). sim::check_determinism() runs the workload
// twice more with the trace on and must find no divergent event; on failure its report,
// naming the first divergent event, is the counterexample's message.
#include <catch2/catch.hpp>

#include "aiostreams/sim/determinism.hpp"
#include "sim_harness.hpp"

namespace props::simnet {
namespace {

struct Fingerprint {
  std::uint64_t digest = 0;
  std::uint64_t events = 0;
  std::int64_t end_ns = 0;
  std::string received;
  Ending ending = Ending::none;
  bool client_finished = false;

  bool operator==(const Fingerprint&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Fingerprint& f) {
  return os << "{digest " << f.digest << ", " << f.events << " events, ends at " << f.end_ns << " ns, server read "
            << f.received.size() << " bytes, ending " << static_cast<int>(f.ending) << ", client finished "
            << f.client_finished << "}";
}

Fingerprint run_once(const TransferInput& input) {
  auto run = std::make_shared<TransferRun>(input);
  HandlerLog log;
  SimLoop loop(input.plan.seed);
  ReleaseBeforeLoop release{*run->end};
  BeforeLoopEnds drop_futures{[&run] { run->server_done.reset(); }};
  capture_exceptions(loop, log);
  input.plan.apply(loop);
  drive(loop, transfer_main(loop, run));
  return Fingerprint{loop.digest(), loop.events_recorded(), loop.now_ns(), run->received,
                     run->ending,   run->client_finished};
}

aiostreams::Task<void> transfer_workload(SimLoop& loop, TransferInput input) {
  input.plan.apply(loop);
  auto transfer = transfer_main(loop, std::make_shared<TransferRun>(std::move(input)));
  co_await transfer;
}

}  // namespace

TEST_CASE("sim determinism: the same seed and workload give the same digest twice") {
  check_property([] {
    FaultMix mix;
    mix.reset = FaultMix::Reset::either;
    const auto input = *gen_transfer_input(mix).as("transfer");
    const Fingerprint first = run_once(input);
    const Fingerprint second = run_once(input);
    RC_LOG() << "first run " << first << "\nsecond run " << second << "\n";
    RC_ASSERT(first == second);

    const aiostreams::sim::Workload workload = [input](SimLoop& loop) { return transfer_workload(loop, input); };
    const auto report = aiostreams::sim::check_determinism(input.plan.seed, workload);
    if (!report.deterministic) RC_FAIL(report.to_string());
    RC_TAG(input.plan.reset ? "with a reset" : "without a reset");
  });
}

}  // namespace props::simnet
