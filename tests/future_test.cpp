#include "aiostreams/future.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "aiostreams/run.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/task.hpp"

using aiostreams::CancelledError;
using aiostreams::ExceptionContext;
using aiostreams::Future;
using aiostreams::InvalidStateError;
using aiostreams::RuntimeError;
using aiostreams::Task;
using aiostreams::sim::SimLoop;

TEST_CASE("a future's result is what set_result stored") {
  SimLoop loop;
  Future<std::string> future(loop);
  CHECK_FALSE(future.done());
  future.set_result("value");
  CHECK(future.done());
  CHECK_FALSE(future.cancelled());
  CHECK(future.result() == "value");
  CHECK(future.exception() == nullptr);
}

TEST_CASE("copies of a future share one state") {
  SimLoop loop;
  Future<int> future(loop);
  Future<int> copy = future;
  copy.set_result(7);
  CHECK(future.done());
  CHECK(future.result() == 7);
}

TEST_CASE("a future's exception is what set_exception stored and result rethrows it") {
  SimLoop loop;
  Future<int> future(loop);
  future.set_exception(std::runtime_error("broken"));
  CHECK(future.done());
  CHECK_FALSE(future.cancelled());
  CHECK_THROWS_WITH(future.result(), "broken");
  auto error = future.exception();
  REQUIRE(error != nullptr);
  CHECK_THROWS_AS(std::rethrow_exception(error), std::runtime_error);
}

TEST_CASE("a void future's result returns or rethrows") {
  SimLoop loop;
  Future<void> ok(loop);
  ok.set_result();
  CHECK_NOTHROW(ok.result());
  Future<void> bad(loop);
  bad.set_exception(std::make_exception_ptr(std::logic_error("nope")));
  CHECK_THROWS_AS(bad.result(), std::logic_error);
}

TEST_CASE("a cancelled future is done and cancelled, and result and exception throw CancelledError") {
  SimLoop loop;
  Future<int> future(loop);
  CHECK(future.cancel());
  CHECK(future.done());
  CHECK(future.cancelled());
  CHECK_THROWS_AS(future.result(), CancelledError);
  CHECK_THROWS_AS(future.exception(), CancelledError);
  CHECK_FALSE(future.cancel());
}

TEST_CASE("cancelling a finished future returns false and keeps the result") {
  SimLoop loop;
  Future<int> future(loop);
  future.set_result(3);
  CHECK_FALSE(future.cancel());
  CHECK_FALSE(future.cancelled());
  CHECK(future.result() == 3);
}

TEST_CASE("asking a pending future for its result or exception throws InvalidStateError") {
  SimLoop loop;
  Future<int> future(loop);
  CHECK_THROWS_AS(future.result(), InvalidStateError);
  CHECK_THROWS_AS(future.exception(), InvalidStateError);
}

TEST_CASE("setting the result or exception of a done future throws InvalidStateError") {
  SimLoop loop;
  Future<int> future(loop);
  future.set_result(1);
  CHECK_THROWS_AS(future.set_result(2), InvalidStateError);
  CHECK_THROWS_AS(future.set_exception(std::runtime_error("late")), InvalidStateError);
  CHECK(future.result() == 1);

  Future<int> cancelled(loop);
  cancelled.cancel();
  CHECK_THROWS_AS(cancelled.set_result(2), InvalidStateError);
}

TEST_CASE("done callbacks run through the loop, not inline, in the order they were added") {
  SimLoop loop;
  Future<int> future(loop);
  std::vector<int> order;
  future.add_done_callback([&] { order.push_back(1); });
  future.add_done_callback([&] { order.push_back(2); });
  future.add_done_callback([&] { order.push_back(3); });
  future.set_result(0);
  CHECK(order.empty());
  CHECK(loop.run_until_idle() == 3);
  CHECK(order == std::vector<int>{1, 2, 3});
}

TEST_CASE("a done callback added to a done future is still scheduled, not run inline") {
  SimLoop loop;
  Future<int> future(loop);
  future.set_result(0);
  bool ran = false;
  future.add_done_callback([&] { ran = true; });
  CHECK_FALSE(ran);
  loop.run_until_idle();
  CHECK(ran);
}

TEST_CASE("done callbacks also run when the future is cancelled or fails") {
  SimLoop loop;
  Future<int> cancelled(loop);
  Future<int> failed(loop);
  std::vector<std::string> order;
  failed.add_done_callback([&] { order.push_back("failed"); });
  cancelled.add_done_callback([&] { order.push_back("cancelled"); });
  cancelled.cancel();
  failed.set_exception(std::runtime_error("x"));
  loop.run_until_idle();
  CHECK(order == std::vector<std::string>{"cancelled", "failed"});
  (void)failed.exception();
}

TEST_CASE("remove_done_callback removes a callback before it is scheduled") {
  SimLoop loop;
  Future<int> future(loop);
  std::vector<int> order;
  future.add_done_callback([&] { order.push_back(1); });
  auto id = future.add_done_callback([&] { order.push_back(2); });
  future.add_done_callback([&] { order.push_back(3); });
  CHECK(future.remove_done_callback(id));
  CHECK_FALSE(future.remove_done_callback(id));
  future.set_result(0);
  CHECK_FALSE(future.remove_done_callback(0));  // already scheduled
  loop.run_until_idle();
  CHECK(order == std::vector<int>{1, 3});
}

TEST_CASE("awaiting a done future returns its value without suspending") {
  SimLoop loop;
  auto main = []() -> Task<std::string> {
    std::string log;
    Future<int> future;
    future.set_result(5);
    aiostreams::get_running_loop().call_soon([&log] { log += "[loop ran]"; });
    const int value = co_await future;
    log += "got " + std::to_string(value) + ";";
    co_await aiostreams::yield_now();  // a real suspension lets the callback run
    log += "after yield";
    co_return log;
  };
  CHECK(aiostreams::run(loop, main()) == "got 5;[loop ran]after yield");
}

TEST_CASE("awaiting a pending future suspends until its result is set") {
  SimLoop loop;
  auto main = []() -> Task<std::string> {
    std::string log;
    Future<std::string> future;
    aiostreams::get_running_loop().call_later(2.5, [future, &log]() mutable {
      log += "set;";
      future.set_result("hello");
    });
    log += co_await future;
    co_return log;
  };
  CHECK(aiostreams::run(loop, main()) == "set;hello");
  CHECK(loop.time() == 2.5);
}

TEST_CASE("awaiting a failed future throws its exception and marks it retrieved") {
  SimLoop loop;
  int reports = 0;
  loop.set_exception_handler([&](const ExceptionContext&) { ++reports; });
  auto main = []() -> Task<std::string> {
    Future<int> future;
    future.set_exception(std::runtime_error("bad"));
    try {
      co_await future;
    } catch (const std::runtime_error& e) {
      co_return e.what();
    }
    co_return "no exception";
  };
  CHECK(aiostreams::run(loop, main()) == "bad");
  CHECK(reports == 0);
}

TEST_CASE("awaiting a cancelled future throws CancelledError") {
  SimLoop loop;
  auto main = []() -> Task<bool> {
    Future<int> future;
    future.cancel();
    try {
      co_await future;
    } catch (const CancelledError&) {
      co_return true;
    }
    co_return false;
  };
  CHECK(aiostreams::run(loop, main()));
}

TEST_CASE("an exception never retrieved is reported to the loop's handler when the last reference goes") {
  SimLoop loop;
  std::vector<std::string> messages;
  std::vector<std::string> details;
  loop.set_exception_handler([&](const ExceptionContext& context) {
    messages.push_back(context.message);
    try {
      std::rethrow_exception(context.exception);
    } catch (const std::exception& e) {
      details.push_back(e.what());
    }
  });
  {
    Future<int> future(loop);
    future.set_exception(std::runtime_error("lost"));
    {
      Future<int> copy = future;  // a copy going away is not the last reference
    }
    CHECK(messages.empty());
  }
  CHECK(messages == std::vector<std::string>{"Future exception was never retrieved"});
  CHECK(details == std::vector<std::string>{"lost"});
}

TEST_CASE("a retrieved exception is not reported when the future goes") {
  SimLoop loop;
  int reports = 0;
  loop.set_exception_handler([&](const ExceptionContext&) { ++reports; });
  {
    Future<int> by_exception(loop);
    by_exception.set_exception(std::runtime_error("seen"));
    CHECK(by_exception.exception() != nullptr);
    Future<int> by_result(loop);
    by_result.set_exception(std::runtime_error("seen"));
    CHECK_THROWS(by_result.result());
  }
  CHECK(reports == 0);
}

TEST_CASE("awaiting a pending future outside of a task throws RuntimeError") {
  SimLoop loop;
  aiostreams::CurrentLoopScope scope(loop);
  std::string error;
  Future<int> future(loop);
  auto body = [](Future<int> f, std::string& out) -> Task<void> {
    try {
      co_await f;
      out = "no error";
    } catch (const RuntimeError& e) {
      out = e.what();
    }
  };
  Task<void> task = body(future, error);
  task.handle().resume();  // driven by hand: no task is running
  CHECK(task.done());
  CHECK(error == "cannot await a future outside of a task");
}

TEST_CASE("a default-constructed future needs a running loop") {
  CHECK_THROWS_AS(Future<int>(), RuntimeError);
  SimLoop loop;
  aiostreams::CurrentLoopScope scope(loop);
  Future<int> future;
  CHECK(&future.loop() == &loop);
}
