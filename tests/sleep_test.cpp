#include "aiostreams/sleep.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "aiostreams/run.hpp"
#include "aiostreams/sim/sim_loop.hpp"

using aiostreams::CancelledError;
using aiostreams::Future;
using aiostreams::Loop;
using aiostreams::Task;
using aiostreams::sim::SimLoop;

namespace {
Task<void> sleep_then_log(double seconds, std::string name, std::vector<std::string>& log) {
  co_await aiostreams::sleep(seconds);
  log.push_back(name + "@" + std::to_string(aiostreams::get_running_loop().time()));
}

Task<void> alternate(char name, int rounds, std::string& log) {
  for (int i = 0; i < rounds; ++i) {
    log += name;
    co_await aiostreams::sleep(0);
  }
}
}  // namespace

TEST_CASE("sleep advances virtual time by exactly the requested amount") {
  SimLoop loop;
  auto main = []() -> Task<std::vector<double>> {
    Loop& running = aiostreams::get_running_loop();
    std::vector<double> times;
    co_await aiostreams::sleep(1.5);
    times.push_back(running.time());
    co_await aiostreams::sleep(0.25);
    times.push_back(running.time());
    co_await aiostreams::sleep(3);
    times.push_back(running.time());
    co_return times;
  };
  CHECK(aiostreams::run(loop, main()) == std::vector<double>{1.5, 1.75, 4.75});
  CHECK(loop.now_ns() == 4'750'000'000);
}

TEST_CASE("sleepers wake in order of wake time, and in creation order when times are equal") {
  SimLoop loop;
  std::vector<std::string> log;
  auto main = [](std::vector<std::string>& out) -> Task<void> {
    std::vector<Future<void>> tasks;
    tasks.push_back(aiostreams::create_task(sleep_then_log(3, "c", out)));
    tasks.push_back(aiostreams::create_task(sleep_then_log(1, "a1", out)));
    tasks.push_back(aiostreams::create_task(sleep_then_log(2, "b", out)));
    tasks.push_back(aiostreams::create_task(sleep_then_log(1, "a2", out)));
    tasks.push_back(aiostreams::create_task(sleep_then_log(1, "a3", out)));
    for (auto& task : tasks) co_await task;
  };
  aiostreams::run(loop, main(log));
  CHECK(log == std::vector<std::string>{"a1@1.000000", "a2@1.000000", "a3@1.000000", "b@2.000000", "c@3.000000"});
}

TEST_CASE("two tasks alternating sleep(0) interleave ABAB") {
  SimLoop loop;
  std::string log;
  auto main = [](std::string& out) -> Task<void> {
    Future<void> a = aiostreams::create_task(alternate('A', 4, out));
    Future<void> b = aiostreams::create_task(alternate('B', 4, out));
    co_await a;
    co_await b;
  };
  aiostreams::run(loop, main(log));
  CHECK(log == "ABABABAB");
  CHECK(loop.time() == 0.0);
}

TEST_CASE("sleep(0) yields exactly one loop iteration") {
  SimLoop loop;
  aiostreams::CurrentLoopScope scope(loop);
  int steps = 0;
  auto body = [](int& out) -> Task<void> {
    out = 1;
    co_await aiostreams::sleep(0);
    out = 2;
    co_await aiostreams::sleep(-1);  // negative behaves as 0
    out = 3;
  };
  Future<void> task = aiostreams::create_task(loop, body(steps));
  CHECK(steps == 0);
  loop.run_once();
  CHECK(steps == 1);
  loop.run_once();
  CHECK(steps == 2);
  loop.run_once();
  CHECK(steps == 3);
  CHECK(task.done());
  CHECK(loop.time() == 0.0);
}

TEST_CASE("yield_now interleaves with plain callbacks one iteration at a time") {
  SimLoop loop;
  std::string log;
  auto main = [](std::string& out) -> Task<void> {
    Loop& running = aiostreams::get_running_loop();
    running.call_soon([&out] { out += "1"; });
    co_await aiostreams::yield_now();
    out += "T";
    running.call_soon([&out] { out += "2"; });
    co_await aiostreams::yield_now();
    out += "T";
  };
  aiostreams::run(loop, main(log));
  CHECK(log == "1T2T");
}

TEST_CASE("a sleep of a million seconds completes at once in wall time on the simulator") {
  SimLoop loop;
  const auto start = std::chrono::steady_clock::now();
  aiostreams::run(loop, aiostreams::sleep(1e6));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(loop.time() == 1e6);
  CHECK(elapsed < std::chrono::seconds(30));
}

TEST_CASE("a cancelled sleep removes its timer so loop time does not jump to it") {
  SimLoop loop;
  auto main = []() -> Task<bool> {
    Future<void> sleeper = aiostreams::create_task(aiostreams::sleep(100));
    co_await aiostreams::sleep(1);
    sleeper.cancel();
    bool cancelled = false;
    try {
      co_await sleeper;
    } catch (const CancelledError&) {
      cancelled = true;
    }
    co_await aiostreams::sleep(2);
    co_return cancelled;
  };
  CHECK(aiostreams::run(loop, main()));
  CHECK(loop.time() == 3.0);
  // Nothing left: the 100 s timer is gone, so the loop has nothing to do.
  CHECK_FALSE(loop.run_once());
  CHECK(loop.time() == 3.0);
}

TEST_CASE("sleep outside of a task throws RuntimeError") {
  SimLoop loop;
  aiostreams::CurrentLoopScope scope(loop);
  std::string error;
  auto body = [](std::string& out) -> Task<void> {
    try {
      co_await aiostreams::sleep(1);
    } catch (const aiostreams::RuntimeError& e) {
      out = e.what();
    }
  };
  Task<void> task = body(error);
  task.handle().resume();
  CHECK(task.done());
  CHECK(error == "cannot await a future outside of a task");
}
