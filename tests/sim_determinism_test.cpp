#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "aiostreams/connection_options.hpp"
#include "aiostreams/run.hpp"
#include "aiostreams/server.hpp"
#include "aiostreams/sim/determinism.hpp"
#include "aiostreams/sim/network.hpp"
#include "aiostreams/sim/recorder.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sim/spawn.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/wait_for.hpp"

using aiostreams::ConnectOptions;
using aiostreams::ServerOptions;
using aiostreams::Task;
using aiostreams::sim::SimLoop;
using aiostreams::sim::spawn_on;
using aiostreams::sim::testing::RecorderFactory;

namespace {
/// 100 round trips between two hosts, under the swarm's faults; errors end it quietly.
Task<void> echo_workload(SimLoop& loop) {
  RecorderFactory server_side;
  server_side.echo = true;
  RecorderFactory client_side;
  const auto server_factory = server_side.factory();
  const auto client_factory = client_side.factory();
  auto server = co_await spawn_on(loop, "server", loop.create_server(server_factory, "", 8888, ServerOptions{}));
  try {
    auto client = co_await spawn_on(
        loop, "client-1",
        aiostreams::wait_for(loop.create_connection(client_factory, "server", 8888, ConnectOptions{}), 5.0));
    for (int round = 0; round < 100 && !client_side.at(0).lost; ++round) {
      client->write("message " + std::to_string(round) + "\n");
      co_await aiostreams::sleep(0.002);
    }
    client->close();
  } catch (const std::exception&) {
  }
  co_await aiostreams::sleep(1.0);
  server->close();
}

std::uint64_t digest_of(std::uint64_t seed, bool swarm) {
  SimLoop loop(seed);
  if (swarm) loop.network().enable_swarm();
  aiostreams::run(loop, echo_workload(loop));
  return loop.digest();
}
}  // namespace

TEST_CASE("the same seed gives the same digest and different seeds differ") {
  CHECK(digest_of(7, true) == digest_of(7, true));
  CHECK(digest_of(7, false) == digest_of(7, false));
  CHECK(digest_of(7, true) != digest_of(8, true));
  CHECK(digest_of(7, false) != digest_of(7, true));
}

TEST_CASE("the self-check passes an honest workload") {
  const auto report = aiostreams::sim::check_determinism(5, [](SimLoop& loop) {
    loop.network().enable_swarm();
    return echo_workload(loop);
  });
  CHECK(report.deterministic);
  CHECK(report.first_digest == report.second_digest);
  CHECK(report.first_events > 1000);
  CHECK(report.to_string().find("deterministic") != std::string::npos);
}

TEST_CASE("the self-check catches a workload that reads the wall clock") {
  const auto report = aiostreams::sim::check_determinism(5, [](SimLoop& loop) -> Task<void> {
    co_await aiostreams::sleep(0.25);
    static std::int64_t last = 0;  // make sure two runs never read the same value
    std::int64_t now = 0;
    do {
      now = std::chrono::system_clock::now().time_since_epoch().count();
    } while (now == last);
    last = now;
    co_await aiostreams::sleep(static_cast<double>(now % 1000 + 1) / 1e6);
    (void)loop;
  });
  REQUIRE_FALSE(report.deterministic);
  CHECK(report.first_digest != report.second_digest);
  CHECK(report.first_time_ns != report.second_time_ns);
  CHECK(report.first_time_ns > 250000000);
  CHECK(report.to_string().find("NOT deterministic; first divergence at event #") != std::string::npos);
}

TEST_CASE("a deadlock report names the waiting task, its host and what it waits on") {
  SimLoop loop(3);
  loop.network().faults().connect_hang = 1.0;
  const auto factory = RecorderFactory{}.factory();
  auto main = [&]() -> Task<void> {
    auto server = co_await spawn_on(loop, "server", loop.create_server(factory, "", 8888, ServerOptions{}));
    co_await spawn_on(loop, "client-1", loop.create_connection(factory, "server", 8888, ConnectOptions{}));
  };
  try {
    aiostreams::run(loop, main());
    FAIL("no deadlock reported");
  } catch (const aiostreams::sim::DeadlockError& error) {
    const std::string text = error.what();
    CHECK(text.find("Task-") != std::string::npos);
    CHECK(text.find("[client-1]: waits on connect to ('127.0.0.2', 8888) (hanging)") != std::string::npos);
  }
}

TEST_CASE("a failing run prints one command that replays it") {
  CHECK(aiostreams::sim::replay_command("build/bin/aiostreams", "echo", 42, "swarm") ==
        "build/bin/aiostreams sim run --workload echo --seed 42 --faults swarm");
  CHECK(aiostreams::sim::replay_command("aiostreams", "echo", 7) == "aiostreams sim run --workload echo --seed 7");
}
