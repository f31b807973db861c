#include "aiostreams/wait_for.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <stdexcept>
#include <string>
#include <system_error>

#include "aiostreams/run.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sleep.hpp"

using aiostreams::CancelledError;
using aiostreams::Future;
using aiostreams::Task;
using aiostreams::TimeoutError;
using aiostreams::sim::SimLoop;

namespace {
Task<int> slow_value(double seconds, int value, bool& cancelled) {
  try {
    co_await aiostreams::sleep(seconds);
  } catch (const CancelledError&) {
    cancelled = true;
    throw;
  }
  co_return value;
}

Task<int> fail_after(double seconds) {
  co_await aiostreams::sleep(seconds);
  throw std::domain_error("inner failed");
}
}  // namespace

TEST_CASE("wait_for returns the value when the operation finishes in time") {
  SimLoop loop;
  bool cancelled = false;
  CHECK(aiostreams::run(loop, aiostreams::wait_for(slow_value(2, 5, cancelled), 10)) == 5);
  CHECK_FALSE(cancelled);
  CHECK(loop.time() == 2.0);
}

TEST_CASE("wait_for does not keep the loop busy until the timeout once the value is in") {
  SimLoop loop;
  bool cancelled = false;
  aiostreams::run(loop, aiostreams::wait_for(slow_value(1, 5, cancelled), 1000));
  CHECK_FALSE(loop.run_once());  // the timeout timer was cancelled
  CHECK(loop.time() == 1.0);
}

TEST_CASE("wait_for times out with TimeoutError after cancelling the operation") {
  SimLoop loop;
  bool cancelled = false;
  auto main = [](bool& flag) -> Task<std::string> {
    try {
      co_await aiostreams::wait_for(slow_value(10, 5, flag), 1.5);
    } catch (const TimeoutError& e) {
      co_return std::string("timeout at ") + std::to_string(aiostreams::get_running_loop().time());
    }
    co_return "no timeout";
  };
  CHECK(aiostreams::run(loop, main(cancelled)) == "timeout at 1.500000");
  CHECK(cancelled);
  CHECK(loop.time() == 1.5);
}

TEST_CASE("the TimeoutError of wait_for is an OSError and a std::system_error with errc::timed_out") {
  SimLoop loop;
  auto main = []() -> Task<std::string> {
    bool flag = false;
    std::string log;
    try {
      co_await aiostreams::wait_for(slow_value(10, 5, flag), 1);
    } catch (const aiostreams::OSError& e) {
      log += e.code().value() == ETIMEDOUT ? "OSError;" : "wrong errno;";
    }
    try {
      co_await aiostreams::wait_for(slow_value(10, 5, flag), 1);
    } catch (const std::system_error& e) {
      log += e.code() == std::errc::timed_out ? "system_error;" : "wrong code;";
    }
    co_return log;
  };
  CHECK(aiostreams::run(loop, main()) == "OSError;system_error;");
  CHECK(loop.time() == 2.0);
}

TEST_CASE("wait_for rethrows the exception the operation raised") {
  SimLoop loop;
  CHECK_THROWS_AS(aiostreams::run(loop, aiostreams::wait_for(fail_after(1), 5)), std::domain_error);
  CHECK(loop.time() == 1.0);
}

TEST_CASE("wait_for accepts a future and returns its result") {
  SimLoop loop;
  auto main = []() -> Task<int> {
    Future<int> future;
    aiostreams::get_running_loop().call_later(0.5, [future]() mutable { future.set_result(11); });
    co_return co_await aiostreams::wait_for(future, 1);
  };
  CHECK(aiostreams::run(loop, main()) == 11);
}

TEST_CASE("wait_for on a future that never completes cancels the future at the timeout") {
  SimLoop loop;
  auto main = []() -> Task<bool> {
    Future<int> future;
    try {
      co_await aiostreams::wait_for(future, 2);
    } catch (const TimeoutError&) {
      co_return future.cancelled();
    }
    co_return false;
  };
  CHECK(aiostreams::run(loop, main()));
  CHECK(loop.time() == 2.0);
}

TEST_CASE("if the operation swallows the cancellation at the timeout, its value is returned") {
  SimLoop loop;
  auto stubborn = []() -> Task<int> {
    try {
      co_await aiostreams::sleep(10);
    } catch (const CancelledError&) {
      co_return 99;
    }
    co_return 1;
  };
  CHECK(aiostreams::run(loop, aiostreams::wait_for(stubborn(), 3)) == 99);
  CHECK(loop.time() == 3.0);
}

TEST_CASE("cancelling the caller of wait_for cancels the operation and propagates CancelledError") {
  SimLoop loop;
  auto main = []() -> Task<std::string> {
    std::string log;
    bool inner_cancelled = false;
    auto caller = [](bool& flag, std::string& out) -> Task<void> {
      try {
        co_await aiostreams::wait_for(slow_value(10, 5, flag), 100);
        out += "finished;";
      } catch (const CancelledError&) {
        out += "caller cancelled;";
        throw;
      } catch (const TimeoutError&) {
        out += "timeout;";
      }
    };
    Future<void> task = aiostreams::create_task(caller(inner_cancelled, log));
    co_await aiostreams::sleep(1);
    CHECK(task.cancel());
    try {
      co_await task;
    } catch (const CancelledError&) {
      log += "task cancelled;";
    }
    CHECK(inner_cancelled);
    CHECK(task.cancelled());
    co_return log;
  };
  CHECK(aiostreams::run(loop, main()) == "caller cancelled;task cancelled;");
  CHECK(loop.time() == 1.0);
}

// asyncio 3.12+ (wait_for is `async with timeout(t): return await fut`): the caller awaits
// the inner future directly, so a cancel that arrives after the inner result is in but
// before the caller resumed is delivered as CancelledError (_must_cancel). 3.8-3.11
// returned the result instead (`if fut.done(): return fut.result()`, bpo-42130).
// DESIGN.md: where versions disagree, 3.13 stands.
TEST_CASE("a cancel of the caller that arrives after the operation finished is not swallowed by wait_for") {
  SimLoop loop;
  auto main = []() -> Task<std::string> {
    Future<int> inner;
    Future<int> caller = aiostreams::create_task(aiostreams::wait_for(inner, 100));
    co_await aiostreams::yield_now();  // the caller now waits inside wait_for
    inner.set_result(5);               // the operation is done...
    CHECK(caller.cancel());            // ...and the caller is cancelled before it resumes
    try {
      const int value = co_await caller;
      co_return "returned " + std::to_string(value);
    } catch (const CancelledError&) {
      co_return "cancelled";
    }
  };
  CHECK(aiostreams::run(loop, main()) == "cancelled");
}
