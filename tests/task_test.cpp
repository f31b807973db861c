#include "aiostreams/task.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

#include "aiostreams/run.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sleep.hpp"

using aiostreams::CancelledError;
using aiostreams::Future;
using aiostreams::Task;
using aiostreams::sim::SimLoop;

namespace {
Task<int> answer() { co_return 42; }
Task<int> add_one(int x) { co_return x + 1; }
Task<void> fail_with(std::string message) {
  throw std::runtime_error(message);
  co_return;
}
Task<int> sync_chain(int count) {
  int total = 0;
  for (int i = 0; i < count; ++i) total = co_await add_one(total);
  co_return total;
}
}  // namespace

TEST_CASE("a task does not start until it is awaited or scheduled") {
  bool started = false;
  auto body = [&]() -> Task<void> {
    started = true;
    co_return;
  };
  Task<void> task = body();
  CHECK_FALSE(started);
  SimLoop loop;
  aiostreams::run(loop, std::move(task));
  CHECK(started);
}

TEST_CASE("awaiting a task returns its value") {
  SimLoop loop;
  CHECK(aiostreams::run(loop, []() -> Task<int> { co_return co_await answer() + 1; }()) == 43);
}

TEST_CASE("an exception thrown in a task propagates through co_await") {
  SimLoop loop;
  auto outer = []() -> Task<std::string> {
    try {
      co_await fail_with("boom");
    } catch (const std::runtime_error& e) {
      co_return std::string("caught ") + e.what();
    }
    co_return "not caught";
  };
  CHECK(aiostreams::run(loop, outer()) == "caught boom");
}

TEST_CASE("a million synchronously completing awaits in a row do not overflow the stack") {
  SimLoop loop;
  CHECK(aiostreams::run(loop, sync_chain(1'000'000)) == 1'000'000);
}

TEST_CASE("run rethrows the exception of the main task") {
  SimLoop loop;
  CHECK_THROWS_WITH(aiostreams::run(loop, fail_with("main failed")), "main failed");
}

TEST_CASE("cancelling a sleeping task throws CancelledError at its suspension point") {
  SimLoop loop;
  auto main = []() -> Task<std::string> {
    std::string log;
    auto sleeper = [](std::string& out) -> Task<void> {
      try {
        co_await aiostreams::sleep(10);
        out += "woke";
      } catch (const CancelledError&) {
        out += "cancelled";
        throw;
      }
    };
    Future<void> task = aiostreams::create_task(sleeper(log));
    co_await aiostreams::sleep(1);
    CHECK(task.cancel());
    try {
      co_await task;
    } catch (const CancelledError&) {
      log += ";awaiter saw CancelledError";
    }
    CHECK(task.cancelled());
    CHECK_FALSE(task.cancel());  // cancelling a finished task does nothing
    co_return log;
  };
  CHECK(aiostreams::run(loop, main()) == "cancelled;awaiter saw CancelledError");
  CHECK(loop.time() == Approx(1.0));  // the cancelled 10 s timer did not hold the loop
}
