#include "aiostreams/run_until_complete.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sleep.hpp"

using aiostreams::CancelledError;
using aiostreams::ExceptionContext;
using aiostreams::Future;
using aiostreams::Task;
using aiostreams::sim::SimLoop;

TEST_CASE("run returns the value of main") {
  SimLoop loop;
  CHECK(aiostreams::run(loop, []() -> Task<std::string> {
          co_await aiostreams::sleep(1);
          co_return "result";
        }()) == "result");
  CHECK_FALSE(loop.is_running());
}

TEST_CASE("run rethrows the exception of main with its type") {
  SimLoop loop;
  CHECK_THROWS_AS(aiostreams::run(loop,
                                  []() -> Task<void> {
                                    co_await aiostreams::sleep(1);
                                    throw std::out_of_range("past the end");
                                  }()),
                  std::out_of_range);
}

TEST_CASE("run makes the loop the running loop only while it runs") {
  SimLoop loop;
  CHECK(aiostreams::current_loop() == nullptr);
  aiostreams::Loop* seen = nullptr;
  bool running = false;
  aiostreams::run(loop, [](aiostreams::Loop*& out, bool& flag) -> Task<void> {
    out = &aiostreams::get_running_loop();
    flag = aiostreams::get_running_loop().is_running();
    co_return;
  }(seen, running));
  CHECK(seen == &loop);
  CHECK(running);
  CHECK(aiostreams::current_loop() == nullptr);
  CHECK_THROWS_AS(aiostreams::get_running_loop(), aiostreams::RuntimeError);
}

TEST_CASE("tasks still pending when main returns are cancelled and their cleanup runs") {
  SimLoop loop;
  std::vector<std::string> log;
  auto background = [](std::string name, std::vector<std::string>& out) -> Task<void> {
    try {
      co_await aiostreams::sleep(100);
      out.push_back(name + " finished");
    } catch (const CancelledError&) {
      out.push_back(name + " cleanup");
      throw;
    }
  };
  auto main = [&background](std::vector<std::string>& out) -> Task<int> {
    (void)aiostreams::create_task(background("first", out));
    (void)aiostreams::create_task(background("second", out));
    co_await aiostreams::sleep(1);
    out.push_back("main returns");
    co_return 3;
  };
  CHECK(aiostreams::run(loop, main(log)) == 3);
  CHECK(log == std::vector<std::string>{"main returns", "first cleanup", "second cleanup"});
  CHECK(loop.time() == 1.0);
  CHECK(loop.pending_task_count() == 0);
}

TEST_CASE("a pending task whose cleanup awaits still finishes during run's shutdown") {
  SimLoop loop;
  std::vector<std::string> log;
  auto background = [](std::vector<std::string>& out) -> Task<void> {
    try {
      co_await aiostreams::sleep(100);
    } catch (const CancelledError&) {
      out.push_back("cleanup starts");
    }
    co_await aiostreams::sleep(2);  // asyncio lets it run to completion
    out.push_back("cleanup done");
  };
  auto main = [&background](std::vector<std::string>& out) -> Task<void> {
    (void)aiostreams::create_task(background(out));
    co_await aiostreams::sleep(1);
  };
  aiostreams::run(loop, main(log));
  CHECK(log == std::vector<std::string>{"cleanup starts", "cleanup done"});
  CHECK(loop.time() == 3.0);
}

TEST_CASE("tasks still pending when main fails are cancelled too") {
  SimLoop loop;
  std::vector<std::string> log;
  auto background = [](std::vector<std::string>& out) -> Task<void> {
    try {
      co_await aiostreams::sleep(100);
    } catch (const CancelledError&) {
      out.push_back("cleanup");
      throw;
    }
  };
  auto main = [&background](std::vector<std::string>& out) -> Task<void> {
    (void)aiostreams::create_task(background(out));
    co_await aiostreams::sleep(1);
    throw std::runtime_error("main failed");
  };
  CHECK_THROWS_WITH(aiostreams::run(loop, main(log)), "main failed");
  CHECK(log == std::vector<std::string>{"cleanup"});
}

TEST_CASE("an exception in a call_soon callback is reported as Exception in callback and the loop goes on") {
  SimLoop loop;
  std::vector<std::string> reports;
  loop.set_exception_handler([&](const ExceptionContext& context) {
    reports.push_back(context.message + ": " + aiostreams::describe_exception(context.exception));
  });
  auto main = []() -> Task<std::string> {
    std::string log;
    auto& running = aiostreams::get_running_loop();
    running.call_soon([&log] { log += "before;"; });
    running.call_soon([] { throw std::runtime_error("callback broke"); });
    running.call_soon([&log] { log += "after;"; });
    co_await aiostreams::sleep(1);
    log += "main continued;";
    co_return log;
  };
  CHECK(aiostreams::run(loop, main()) == "before;after;main continued;");
  CHECK(reports == std::vector<std::string>{"Exception in callback: callback broke"});
}

TEST_CASE("an exception in a timer callback is reported too") {
  SimLoop loop;
  std::vector<std::string> reports;
  loop.set_exception_handler([&](const ExceptionContext& context) { reports.push_back(context.message); });
  auto main = []() -> Task<double> {
    aiostreams::get_running_loop().call_later(1, [] { throw std::logic_error("timer broke"); });
    co_await aiostreams::sleep(2);
    co_return aiostreams::get_running_loop().time();
  };
  CHECK(aiostreams::run(loop, main()) == 2.0);
  CHECK(reports == std::vector<std::string>{"Exception in callback"});
}

TEST_CASE("an exception handler that throws does not terminate the program") {
  SimLoop loop;
  int handler_calls = 0;
  loop.set_exception_handler([&](const ExceptionContext&) {
    ++handler_calls;
    throw std::runtime_error("handler broke");
  });
  auto main = []() -> Task<int> {
    auto& running = aiostreams::get_running_loop();
    running.call_soon([] { throw std::runtime_error("first"); });
    running.call_soon([] { throw 42; });
    co_await aiostreams::sleep(1);
    co_return 7;
  };
  CHECK(aiostreams::run(loop, main()) == 7);
  CHECK(handler_calls == 2);
}

TEST_CASE("run_until_complete returns the future's result") {
  SimLoop loop;
  Future<int> future(loop);
  loop.call_later(4, [future]() mutable { future.set_result(12); });
  CHECK(aiostreams::run_until_complete(loop, future) == 12);
  CHECK(loop.time() == 4.0);
}

TEST_CASE("run_until_complete throws RuntimeError if the loop stops first") {
  SimLoop loop;
  Future<int> future(loop);
  loop.call_later(1, [&loop] { loop.stop(); });
  CHECK_THROWS_AS(aiostreams::run_until_complete(loop, future), aiostreams::RuntimeError);
}

TEST_CASE("run_until_complete rethrows the future's exception") {
  SimLoop loop;
  Future<int> future(loop);
  loop.call_soon([future]() mutable { future.set_exception(std::make_exception_ptr(aiostreams::ValueError("bad"))); });
  CHECK_THROWS_AS(aiostreams::run_until_complete(loop, future), aiostreams::ValueError);
}
