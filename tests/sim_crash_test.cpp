// Host crashes and restarts on the simulator (Network::crash, on_restart, the host_crash
// fault) and the swarm's long fault durations.
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "aiostreams/errors.hpp"
#include "aiostreams/run_until_complete.hpp"
#include "aiostreams/sim/network.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sim/spawn.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/streams.hpp"
#include "aiostreams/wait_for.hpp"
#include "support/echo_handlers.hpp"

using aiostreams::Task;
using aiostreams::sim::SimLoop;
using aiostreams::sim::spawn_on;

namespace {
// The service of host "kv": an echo server on port 6379 until its task is cancelled.
struct Service {
  int starts = 0;
  int cancelled = 0;
  Task<void> run() {
    ++starts;
    auto server = co_await aiostreams::start_server(aiostreams::testing::echo_lines, "", 6379);
    try {
      co_await server->serve_forever();
    } catch (const aiostreams::CancelledError&) {
      ++cancelled;
      throw;
    }
  }
};

// One echo round trip from client-1 to kv:6379, or the error's type name.
Task<std::string> ask(SimLoop& loop, const std::string& line) {
  auto body = [line]() -> Task<std::string> {
    try {
      auto [reader, writer] = co_await aiostreams::open_connection("kv", 6379);
      writer->write(line + "\n");
      std::string answer = co_await aiostreams::wait_for(reader->readline(), 5.0);
      writer->close();
      co_return answer;
    } catch (const aiostreams::ConnectionRefusedError&) {
      co_return "refused";
    } catch (const aiostreams::TimeoutError&) {
      co_return "timeout";
    }
  };
  co_return co_await spawn_on(loop, "client-1", body());
}

void quiet(SimLoop& loop) {
  loop.set_exception_handler([](const aiostreams::ExceptionContext&) {});
}
}  // namespace

TEST_CASE(
    "a crash resets the host's connections, closes its listeners and cancels its tasks, and the hook restarts it") {
  SimLoop loop(5);
  quiet(loop);
  Service service;
  loop.network().on_restart("kv", [&] { return service.run(); });
  auto main = [&]() -> Task<void> {
    auto running = spawn_on(loop, "kv", service.run());
    co_await aiostreams::sleep(0.1);
    CHECK(co_await ask(loop, "before") == "before\n");
    // A connection open across the crash sees a reset.
    auto client = [&]() -> Task<std::string> {
      auto [reader, writer] = co_await aiostreams::open_connection("kv", 6379);
      co_await aiostreams::sleep(1.0);  // the crash comes now
      try {
        writer->write("after\n");
        co_await reader->readline();
        co_return "answered";
      } catch (const aiostreams::ConnectionResetError&) {
        co_return "reset";
      }
    };
    auto open = spawn_on(loop, "client-1", client());
    co_await aiostreams::sleep(0.5);
    loop.network().crash("kv", /*silent=*/false, /*restart_after=*/2.0);
    CHECK(co_await open == "reset");
    CHECK(running.cancelled());
    CHECK(service.cancelled == 1);
    CHECK(co_await ask(loop, "down") == "refused");  // the listener went with the host
    co_await aiostreams::sleep(2.0);
    CHECK(service.starts == 2);  // the hook ran on the host
    CHECK(co_await ask(loop, "back") == "back\n");
    CHECK(loop.network().crashes() == 1);
  };
  aiostreams::run(loop, main());
}

TEST_CASE("a silent crash leaves peers waiting: nothing arrives, no reset") {
  SimLoop loop(6);
  quiet(loop);
  Service service;
  auto main = [&]() -> Task<std::string> {
    spawn_on(loop, "kv", service.run());
    co_await aiostreams::sleep(0.1);
    auto client = [&]() -> Task<std::string> {
      auto [reader, writer] = co_await aiostreams::open_connection("kv", 6379);
      co_await aiostreams::sleep(1.0);
      writer->write("anyone?\n");
      try {
        co_await aiostreams::wait_for(reader->readline(), 10.0);
        co_return "answered";
      } catch (const aiostreams::TimeoutError&) {
        co_return "timeout";
      } catch (const aiostreams::ConnectionResetError&) {
        co_return "reset";
      }
    };
    auto open = spawn_on(loop, "client-1", client());
    co_await aiostreams::sleep(0.5);
    loop.network().crash("kv", /*silent=*/true);
    co_return co_await open;
  };
  CHECK(aiostreams::run(loop, main()) == "timeout");
  CHECK(service.cancelled == 1);
}

TEST_CASE("the host_crash fault crashes a host that has a restart hook, and the hook brings it back") {
  SimLoop loop(7);
  quiet(loop);
  aiostreams::sim::FaultConfig faults;
  faults.host_crash = 1.0;  // every window
  faults.crash_window = 1.0;
  faults.restart_min = 0.5;
  faults.restart_max = 1.0;
  loop.network().set_faults(faults);
  Service service;
  auto main = [&]() -> Task<void> {
    loop.network().on_restart("kv", [&] { return service.run(); });
    spawn_on(loop, "kv", service.run());
    co_await aiostreams::sleep(10.0);
    const auto crashes = loop.network().crashes();
    CHECK(crashes >= 4);  // at most one window + one restart delay (2 s) apart
    CHECK(service.starts == static_cast<int>(crashes) + 1);
    loop.network().set_faults({});  // the quiet phase: no more crashes
    co_await aiostreams::sleep(5.0);
    CHECK(loop.network().crashes() <= crashes + 1);  // one may have been restarting
    co_await aiostreams::sleep(3.0);
    CHECK(co_await ask(loop, "alive") == "alive\n");
  };
  aiostreams::run(loop, main());
}

TEST_CASE("crashing the default host or an unknown one is a ValueError") {
  SimLoop loop(1);
  CHECK_THROWS_AS(loop.network().crash("localhost"), aiostreams::ValueError);
  CHECK_THROWS_AS(loop.network().crash("nobody"), aiostreams::ValueError);
  CHECK_THROWS_AS(loop.network().on_restart("kv", nullptr), aiostreams::ValueError);
}

TEST_CASE("a quarter of swarm seeds draw long partitions and stalls, and the duration scale stretches them") {
  using aiostreams::sim::Swarm;
  int long_seeds = 0;
  for (std::uint64_t seed = 0; seed < 400; ++seed) {
    const auto faults = Swarm::draw(seed);
    CHECK(faults.partition_long_max == 120.0);
    CHECK(faults.stall_long_max == 60.0);
    if (faults.long_share > 0) ++long_seeds;
    const auto stretched = Swarm::draw(seed, 10.0);
    CHECK(stretched.partition_max == Approx(faults.partition_max * 10.0));
    CHECK(stretched.stall_min == Approx(faults.stall_min * 10.0));
    CHECK(stretched.partition_long_max == Approx(1200.0));
    CHECK(stretched.restart_max == Approx(faults.restart_max * 10.0));
    CHECK(stretched.reset == faults.reset);  // probabilities do not scale
    CHECK(stretched.long_share == faults.long_share);
  }
  CHECK(long_seeds > 60);  // about 100 of 400
  CHECK(long_seeds < 140);
  CHECK_THROWS_AS(Swarm::draw(1, 0.0), aiostreams::ValueError);
  CHECK_THROWS_AS(Swarm::draw(1, -1.0), aiostreams::ValueError);
}

TEST_CASE("with long_share a partition outlasts a client's timeout, and the held bytes arrive after it heals") {
  SimLoop loop(11);
  quiet(loop);
  aiostreams::sim::FaultConfig faults;
  faults.partition = 1.0;
  faults.one_way_share = 0;
  faults.fault_window = 0.001;  // at once
  faults.long_share = 1.0;
  faults.partition_long_max = 30.0;
  loop.network().set_faults(faults);
  Service service;
  auto main = [&]() -> Task<std::string> {
    spawn_on(loop, "kv", service.run());
    co_await aiostreams::sleep(0.1);
    auto client = [&]() -> Task<std::string> {
      auto [reader, writer] = co_await aiostreams::open_connection("kv", 6379);
      co_await aiostreams::sleep(0.01);  // the partition is up
      writer->write("late\n");
      std::string outcome;
      try {
        co_await aiostreams::wait_for(reader->readline(), 0.5);  // a client's ordinary timeout
        outcome = "answered in time";
      } catch (const aiostreams::TimeoutError&) {
        outcome = "timeout";
      }
      co_return outcome + ", then " + co_await aiostreams::wait_for(reader->readline(), 60.0);
    };
    co_return co_await spawn_on(loop, "client-1", client());
  };
  CHECK(aiostreams::run(loop, main()) == "timeout, then late\n");
}

TEST_CASE("heal ends a partition at once and the held bytes arrive") {
  SimLoop loop(12);
  quiet(loop);
  Service service;
  auto main = [&]() -> Task<std::string> {
    spawn_on(loop, "kv", service.run());
    co_await aiostreams::sleep(0.1);
    auto client = [&]() -> Task<std::string> {
      auto [reader, writer] = co_await aiostreams::open_connection("kv", 6379);
      loop.network().partition("client-1", "kv", 3600.0);
      writer->write("held\n");
      co_await aiostreams::sleep(1.0);
      loop.network().heal();
      co_return co_await aiostreams::wait_for(reader->readline(), 1.0);  // not an hour
    };
    co_return co_await spawn_on(loop, "client-1", client());
  };
  CHECK(aiostreams::run(loop, main()) == "held\n");
}
