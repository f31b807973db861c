#include "aiostreams/task.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

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

namespace {
Task<void> set_flag(bool& flag) {
  flag = true;
  co_return;
}
}  // namespace

TEST_CASE("create_task does not run the body inline but on a later loop iteration") {
  SimLoop loop;
  aiostreams::CurrentLoopScope scope(loop);
  bool started = false;
  Future<void> task = aiostreams::create_task(loop, set_flag(started));
  CHECK_FALSE(started);
  CHECK_FALSE(task.done());
  CHECK(loop.pending_task_count() == 1);
  CHECK(loop.run_once());
  CHECK(started);
  CHECK(task.done());
  CHECK(loop.pending_task_count() == 0);
}

TEST_CASE("a task created from inside a task starts only after its creator yields") {
  SimLoop loop;
  auto main = []() -> Task<std::string> {
    std::string log;
    auto child = [](std::string& out) -> Task<void> {
      out += "child;";
      co_return;
    };
    Future<void> task = aiostreams::create_task(child(log));
    log += "created;";
    co_await aiostreams::sleep(0);
    log += "resumed;";
    co_await task;
    co_return log;
  };
  CHECK(aiostreams::run(loop, main()) == "created;child;resumed;");
}

TEST_CASE("a task cancelled before it starts never runs and ends cancelled") {
  SimLoop loop;
  aiostreams::CurrentLoopScope scope(loop);
  bool started = false;
  Future<void> task = aiostreams::create_task(loop, set_flag(started));
  CHECK(task.cancel());
  CHECK_FALSE(task.done());  // like asyncio: the cancellation is delivered when it would start
  loop.run_until_idle();
  CHECK_FALSE(started);
  CHECK(task.cancelled());
  CHECK_THROWS_AS(task.result(), CancelledError);
}

TEST_CASE("a cancelled task can catch CancelledError, clean up, and re-raise") {
  SimLoop loop;
  auto main = []() -> Task<std::string> {
    std::string log;
    Future<int> never;
    auto worker = [](Future<int> f, std::string& out) -> Task<int> {
      try {
        out += "waiting;";
        co_return co_await f;
      } catch (const CancelledError&) {
        out += "cleanup;";
        throw;
      }
    };
    Future<int> task = aiostreams::create_task(worker(never, log));
    co_await aiostreams::sleep(1);
    CHECK(task.cancel());
    CHECK(never.cancelled());  // the cancel went to the future the task waits on
    CHECK_FALSE(task.done());  // the task itself sees it when it resumes
    try {
      co_await task;
      log += "no error;";
    } catch (const CancelledError&) {
      log += "awaiter cancelled;";
    }
    CHECK(task.cancelled());
    co_return log;
  };
  CHECK(aiostreams::run(loop, main()) == "waiting;cleanup;awaiter cancelled;");
}

TEST_CASE("a task that swallows CancelledError and returns a value is not cancelled") {
  SimLoop loop;
  auto main = []() -> Task<int> {
    auto stubborn = []() -> Task<int> {
      try {
        co_await aiostreams::sleep(100);
      } catch (const CancelledError&) {
        co_return -1;
      }
      co_return 1;
    };
    Future<int> task = aiostreams::create_task(stubborn());
    co_await aiostreams::sleep(1);
    CHECK(task.cancel());
    const int value = co_await task;
    CHECK_FALSE(task.cancelled());
    CHECK(task.done());
    co_return value;
  };
  CHECK(aiostreams::run(loop, main()) == -1);
  CHECK(loop.time() == 1.0);
}

TEST_CASE("a cancel that arrives after the awaited future completed still throws at that await") {
  SimLoop loop;
  auto main = []() -> Task<std::string> {
    std::string log;
    Future<int> gate;
    auto worker = [](Future<int> f, std::string& out) -> Task<void> {
      try {
        const int value = co_await f;
        out += "got " + std::to_string(value) + ";";
      } catch (const CancelledError&) {
        out += "cancelled at the await;";
        throw;
      }
    };
    Future<void> task = aiostreams::create_task(worker(gate, log));
    co_await aiostreams::sleep(0);  // the worker now waits on gate
    gate.set_result(7);             // its wake-up is queued...
    CHECK(task.cancel());           // ...and the cancel comes before it runs
    try {
      co_await task;
    } catch (const CancelledError&) {
      log += "task cancelled;";
    }
    CHECK(gate.result() == 7);
    CHECK(task.cancelled());
    co_return log;
  };
  CHECK(aiostreams::run(loop, main()) == "cancelled at the await;task cancelled;");
}

TEST_CASE("cancelling a finished or failed task returns false") {
  SimLoop loop;
  auto main = []() -> Task<void> {
    Future<int> ok = aiostreams::create_task(answer());
    Future<void> bad = aiostreams::create_task(fail_with("x"));
    co_await aiostreams::sleep(0);
    co_await aiostreams::sleep(0);
    CHECK(ok.done());
    CHECK(bad.done());
    CHECK_FALSE(ok.cancel());
    CHECK_FALSE(bad.cancel());
    CHECK(ok.result() == 42);
    CHECK_THROWS_WITH(bad.result(), "x");
  };
  aiostreams::run(loop, main());
}

TEST_CASE("a task that cancels itself gets CancelledError at its next suspension") {
  SimLoop loop;
  auto main = []() -> Task<std::string> {
    std::string log;
    auto self_cancelling = [](Future<void>* self, std::string& out) -> Task<void> {
      out += "before;";
      CHECK(self->cancel());
      out += "still running;";
      try {
        co_await aiostreams::sleep(5);
        out += "slept;";
      } catch (const CancelledError&) {
        out += "cancelled;";
        throw;
      }
    };
    Future<void> task = aiostreams::create_task(self_cancelling(&task, log));
    try {
      co_await task;
    } catch (const CancelledError&) {
      log += "done;";
    }
    CHECK(task.cancelled());
    co_return log;
  };
  CHECK(aiostreams::run(loop, main()) == "before;still running;cancelled;done;");
  CHECK(loop.time() == 0.0);
}

TEST_CASE("a task that cancels itself and yields with sleep(0) gets CancelledError there") {
  SimLoop loop;
  auto main = []() -> Task<std::string> {
    std::string log;
    auto self_cancelling = [](Future<void>* self, std::string& out) -> Task<void> {
      self->cancel();
      try {
        co_await aiostreams::sleep(0);
        out += "yielded;";
      } catch (const CancelledError&) {
        out += "cancelled;";
        throw;
      }
    };
    Future<void> task = aiostreams::create_task(self_cancelling(&task, log));
    try {
      co_await task;
    } catch (const CancelledError&) {
    }
    CHECK(task.cancelled());
    co_return log;
  };
  CHECK(aiostreams::run(loop, main()) == "cancelled;");
}

TEST_CASE("CancelledError is not caught by catch (const std::exception&) inside a task") {
  SimLoop loop;
  auto main = []() -> Task<std::string> {
    std::string log;
    auto worker = [](std::string& out) -> Task<void> {
      try {
        co_await aiostreams::sleep(10);
      } catch (const std::exception&) {
        out += "swallowed by std::exception;";
      }
      out += "after;";
    };
    Future<void> task = aiostreams::create_task(worker(log));
    co_await aiostreams::sleep(1);
    task.cancel();
    try {
      co_await task;
    } catch (const CancelledError&) {
      log += "cancelled;";
    }
    co_return log;
  };
  CHECK(aiostreams::run(loop, main()) == "cancelled;");
}

TEST_CASE("cancelling a task that awaits another task cancels the inner task too") {
  SimLoop loop;
  auto main = []() -> Task<std::string> {
    std::string log;
    auto inner = [](std::string& out) -> Task<void> {
      try {
        co_await aiostreams::sleep(10);
      } catch (const CancelledError&) {
        out += "inner cancelled;";
        throw;
      }
    };
    auto outer = [](Future<void> child, std::string& out) -> Task<void> {
      try {
        co_await child;
      } catch (const CancelledError&) {
        out += "outer cancelled;";
        throw;
      }
    };
    Future<void> child = aiostreams::create_task(inner(log));
    Future<void> parent = aiostreams::create_task(outer(child, log));
    co_await aiostreams::sleep(1);
    CHECK(parent.cancel());
    try {
      co_await parent;
    } catch (const CancelledError&) {
    }
    CHECK(child.cancelled());
    CHECK(parent.cancelled());
    co_return log;
  };
  CHECK(aiostreams::run(loop, main()) == "inner cancelled;outer cancelled;");
}

TEST_CASE("a task's exception that nobody retrieves is reported as a task exception") {
  std::vector<std::string> messages;
  {
    SimLoop loop;
    loop.set_exception_handler(
        [&](const aiostreams::ExceptionContext& context) { messages.push_back(context.message); });
    auto main = []() -> Task<void> {
      (void)aiostreams::create_task(fail_with("forgotten"));
      co_await aiostreams::sleep(1);
    };
    aiostreams::run(loop, main());
  }
  CHECK(messages == std::vector<std::string>{"Task exception was never retrieved"});
}

TEST_CASE("the value of a task can be read through its future after it finishes") {
  SimLoop loop;
  aiostreams::CurrentLoopScope scope(loop);
  Future<int> task = aiostreams::create_task(loop, add_one(9));
  loop.run_until_idle();
  REQUIRE(task.done());
  CHECK(task.result() == 10);
}

// asyncio's Task.__step: a task whose coroutine returns while a cancel is pending
// (_must_cancel) ends cancelled, not with its value. CPython 3.11 prints "cancelled True" for
//   async def body(): asyncio.current_task().cancel(); return 1
TEST_CASE("a task that cancels itself and returns without suspending ends cancelled") {
  SimLoop loop;
  auto main = []() -> Task<std::string> {
    auto body = [](Future<int>* self) -> Task<int> {
      self->cancel();
      co_return 1;
    };
    Future<int> task = aiostreams::create_task(body(&task));
    try {
      const int value = co_await task;
      co_return "returned " + std::to_string(value);
    } catch (const CancelledError&) {
      co_return task.cancelled() ? "cancelled" : "CancelledError but not cancelled";
    }
  };
  CHECK(aiostreams::run(loop, main()) == "cancelled");
}

TEST_CASE("a finished task lets go of its coroutine's arguments while its future is still held") {
  // As a Python coroutine's frame is freed when it returns: a task kept only for its result
  // must not keep a StreamWriter (or anything) its body took alive.
  auto body = [](std::shared_ptr<int> held) -> Task<int> { co_return *held; };
  SimLoop loop;
  auto held = std::make_shared<int>(7);
  Future<int> task = aiostreams::create_task(loop, body(held));
  CHECK(held.use_count() == 2);
  loop.run_until_idle();
  REQUIRE(task.done());
  CHECK(task.result() == 7);
  CHECK(held.use_count() == 1);
}
