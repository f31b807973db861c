// The sample tests described in kit_samples.hpp.
#include "kit_samples.hpp"

#include <cstdlib>
#include <stdexcept>

#include "aiostreams/future.hpp"
#include "aiostreams/sim/network.hpp"
#include "aiostreams/sim/spawn.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/streams.hpp"
#include "aiostreams/testing/sim_test.hpp"
#include "aiostreams/wait_for.hpp"

using aiostreams::Task;
using aiostreams::testing::SimTest;

AIOSTREAMS_SIM_TEST("kit-tiny", "sleeps a virtual second")(SimTest& t) {
  co_await aiostreams::sleep(1.0);
  t.check(t.loop().time() >= 1.0, "virtual time advanced");
  t.sometimes(t.seed() % 2 == 0, "even seed");
  t.count("seconds slept");
  t.count("seconds slept", 2);
}

AIOSTREAMS_SIM_TEST("kit-planted", "fails the seeds with seed % 5 == 3")(SimTest& t) {
  t.check(!aiostreams::testing::samples::planted_fails(t.seed()), "planted: seed % 5 == 3");
  co_return;
}

AIOSTREAMS_SIM_TEST("kit-exits", "the process exits with status 7 on seed 2 (run it with --jobs > 1 only)")
(SimTest& t) {
  if (t.seed() == 2) std::_Exit(7);
  co_return;
}

AIOSTREAMS_SIM_TEST("kit-never", "a sometimes that never holds")(SimTest& t) {
  t.sometimes(false, "never happens");
  co_return;
}

AIOSTREAMS_SIM_TEST("kit-throws", "the body throws")(SimTest&) {
  co_await aiostreams::sleep(0);
  throw std::runtime_error("boom");
}

AIOSTREAMS_SIM_TEST("kit-deadlock", "waits for a future nobody completes")(SimTest&) {
  aiostreams::Future<void> never;
  co_await never;
}

namespace {
Task<void> forever() { co_await aiostreams::sleep(1e6); }

Task<void> faults_are_off(SimTest& t) {
  t.check(!t.loop().network().faults().any(), "quiet phase: faults are off");
  co_await aiostreams::sleep(1.0);
}

Task<void> echo_handler(std::shared_ptr<aiostreams::StreamReader> reader,
                        std::shared_ptr<aiostreams::StreamWriter> writer) {
  try {
    while (auto line = co_await aiostreams::wait_for(reader->next_line(), 5.0)) {
      writer->write(*line);
      co_await writer->drain();
    }
  } catch (const std::exception&) {
  }
  writer->close();
}

Task<void> echo_client(SimTest& t) {
  try {
    auto [reader, writer] = co_await aiostreams::wait_for(aiostreams::open_connection("server", 7), 5.0);
    for (int i = 0; i < 5; ++i) {
      const std::string line = "line " + std::to_string(t.loop().rng().below(1000)) + "\n";
      writer->write(line);
      co_await writer->drain();
      const std::string answer = co_await aiostreams::wait_for(reader->readline(), 5.0);
      if (answer.empty() && t.faults()) break;
      t.check(answer == line, "echoed");
    }
    writer->close();
  } catch (const aiostreams::OSError&) {
    t.check(t.faults(), "a connection error only under faults");
  }
}
}  // namespace

AIOSTREAMS_SIM_TEST("kit-stuck", "on_quiet never finishes")(SimTest& t) {
  t.set_quiet_bound(5.0);
  t.on_quiet(forever);
  co_return;
}

AIOSTREAMS_SIM_TEST("kit-quiet", "on_quiet sees no faults")(SimTest& t) {
  t.on_quiet([&t] { return faults_are_off(t); });
  co_return;
}

AIOSTREAMS_SIM_TEST("kit-net", "an echo over the simulated network")(SimTest& t) {
  auto server =
      co_await aiostreams::sim::spawn_on(t.loop(), "server", aiostreams::start_server(echo_handler, "0.0.0.0", 7));
  auto a = aiostreams::sim::spawn_on(t.loop(), "client-1", echo_client(t));
  auto b = aiostreams::sim::spawn_on(t.loop(), "client-2", echo_client(t));
  co_await a;
  co_await b;
  server->close();
}
