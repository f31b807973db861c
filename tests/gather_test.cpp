#include "aiostreams/gather.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "aiostreams/run.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sleep.hpp"

using aiostreams::CancelledError;
using aiostreams::Future;
using aiostreams::Task;
using aiostreams::sim::SimLoop;

namespace {
template <class T>
Task<T> after(double seconds, T value, std::vector<std::string>* log = nullptr) {
  co_await aiostreams::sleep(seconds);
  if (log != nullptr) log->push_back("done@" + std::to_string(aiostreams::get_running_loop().time()));
  co_return value;
}

Task<void> void_after(double seconds, std::vector<std::string>& log, std::string name) {
  co_await aiostreams::sleep(seconds);
  log.push_back(name);
}

Task<int> fail_after(double seconds, std::string message) {
  co_await aiostreams::sleep(seconds);
  throw std::runtime_error(message);
}

Task<int> record_cancel(double seconds, int value, std::vector<std::string>& log, std::string name) {
  try {
    co_await aiostreams::sleep(seconds);
  } catch (const CancelledError&) {
    log.push_back(name + " cancelled");
    throw;
  }
  log.push_back(name + " finished");
  co_return value;
}
}  // namespace

TEST_CASE("gather returns results in argument order whatever the completion order") {
  SimLoop loop;
  std::vector<std::string> log;
  auto main = [](std::vector<std::string>& out) -> Task<std::tuple<int, std::string, double>> {
    co_return co_await aiostreams::gather(after(3.0, 1, &out), after(1.0, std::string("two"), &out),
                                          after(2.0, 3.5, &out));
  };
  auto [a, b, c] = aiostreams::run(loop, main(log));
  CHECK(a == 1);
  CHECK(b == "two");
  CHECK(c == 3.5);
  CHECK(log == std::vector<std::string>{"done@1.000000", "done@2.000000", "done@3.000000"});
  CHECK(loop.time() == 3.0);  // they ran concurrently, not one after another (6 s)
}

TEST_CASE("gather over a vector returns results in the vector's order") {
  SimLoop loop;
  auto main = []() -> Task<std::vector<int>> {
    std::vector<Task<int>> tasks;
    tasks.push_back(after(4.0, 10));
    tasks.push_back(after(1.0, 20));
    tasks.push_back(after(3.0, 30));
    tasks.push_back(after(2.0, 40));
    co_return co_await aiostreams::gather(std::move(tasks));
  };
  CHECK(aiostreams::run(loop, main()) == std::vector<int>{10, 20, 30, 40});
  CHECK(loop.time() == 4.0);
}

TEST_CASE("gather over an empty vector returns an empty vector at once") {
  SimLoop loop;
  auto main = []() -> Task<std::size_t> {
    auto results = co_await aiostreams::gather(std::vector<Task<int>>{});
    co_return results.size();
  };
  CHECK(aiostreams::run(loop, main()) == 0);
  CHECK(loop.time() == 0.0);
}

TEST_CASE("gather accepts futures alongside tasks") {
  SimLoop loop;
  auto main = []() -> Task<int> {
    Future<int> future;
    aiostreams::get_running_loop().call_later(2, [future]() mutable { future.set_result(5); });
    auto [x, y] = co_await aiostreams::gather(future, after(1.0, 7));
    co_return x * 10 + y;
  };
  CHECK(aiostreams::run(loop, main()) == 57);
}

TEST_CASE("gather gives detail::Unit for void children") {
  SimLoop loop;
  std::vector<std::string> log;
  auto main = [](std::vector<std::string>& out) -> Task<int> {
    auto results = co_await aiostreams::gather(void_after(2, out, "v"), after(1.0, 8));
    static_assert(std::is_same_v<decltype(results), std::tuple<aiostreams::detail::Unit, int>>);
    co_return std::get<1>(results);
  };
  CHECK(aiostreams::run(loop, main(log)) == 8);
  CHECK(log == std::vector<std::string>{"v"});
}

TEST_CASE("gather throws the first failure at once while the others keep running to completion") {
  SimLoop loop;
  std::vector<std::string> log;
  auto main = [](std::vector<std::string>& out) -> Task<void> {
    try {
      co_await aiostreams::gather(record_cancel(5, 1, out, "slow"), fail_after(1, "first"),
                                  record_cancel(3, 2, out, "medium"));
      out.push_back("no error");
    } catch (const std::runtime_error& e) {
      out.push_back(std::string("caught ") + e.what() + "@" + std::to_string(aiostreams::get_running_loop().time()));
    }
    co_await aiostreams::sleep(10);  // the survivors finish while main waits
  };
  aiostreams::run(loop, main(log));
  CHECK(log == std::vector<std::string>{"caught first@1.000000", "medium finished", "slow finished"});
}

// asyncio's gather marks the exception of every child that fails after the first one as
// retrieved (its done callback holds the child and calls fut.exception()), so nothing is
// logged. (A weak_ptr in gather's callback once let the child be destroyed, and reported,
// before the callback ran.)
TEST_CASE("only the first of several failures is thrown by gather, and the later ones are not reported") {
  SimLoop loop;
  std::vector<std::string> reports;
  loop.set_exception_handler([&](const aiostreams::ExceptionContext& context) { reports.push_back(context.message); });
  auto main = []() -> Task<std::string> {
    std::string what;
    try {
      co_await aiostreams::gather(fail_after(2, "second"), fail_after(1, "first"));
    } catch (const std::runtime_error& e) {
      what = e.what();
    }
    co_await aiostreams::sleep(5);
    co_return what;
  };
  CHECK(aiostreams::run(loop, main()) == "first");
  CHECK(reports == std::vector<std::string>{});
}

TEST_CASE("cancelling the gathering task cancels every child") {
  SimLoop loop;
  std::vector<std::string> log;
  auto main = [](std::vector<std::string>& out) -> Task<void> {
    auto gatherer = [](std::vector<std::string>& o) -> Task<void> {
      try {
        co_await aiostreams::gather(record_cancel(5, 1, o, "a"), record_cancel(10, 2, o, "b"));
        o.push_back("gathered");
      } catch (const CancelledError&) {
        o.push_back("gather cancelled");
        throw;
      }
    };
    Future<void> task = aiostreams::create_task(gatherer(out));
    co_await aiostreams::sleep(1);
    CHECK(task.cancel());
    try {
      co_await task;
    } catch (const CancelledError&) {
      out.push_back("task cancelled");
    }
    CHECK(task.cancelled());
  };
  aiostreams::run(loop, main(log));
  CHECK(log == std::vector<std::string>{"a cancelled", "b cancelled", "gather cancelled", "task cancelled"});
  CHECK(loop.time() == 1.0);
}

TEST_CASE("a child cancelled on its own makes gather throw CancelledError") {
  SimLoop loop;
  auto main = []() -> Task<std::string> {
    Future<int> child;
    aiostreams::get_running_loop().call_later(1, [child]() mutable { child.cancel(); });
    try {
      co_await aiostreams::gather(child, after(5.0, 1));
    } catch (const CancelledError&) {
      co_return "cancelled@" + std::to_string(aiostreams::get_running_loop().time());
    }
    co_return "no error";
  };
  CHECK(aiostreams::run(loop, main()) == "cancelled@1.000000");
}

TEST_CASE("a later failure of a child the caller still holds is marked retrieved by gather") {
  SimLoop loop;
  std::vector<std::string> reports;
  loop.set_exception_handler([&](const aiostreams::ExceptionContext& context) { reports.push_back(context.message); });
  auto main = []() -> Task<std::string> {
    Future<int> second = aiostreams::create_task(fail_after(2, "second"));
    std::string what;
    try {
      co_await aiostreams::gather(second, fail_after(1, "first"));
    } catch (const std::runtime_error& e) {
      what = e.what();
    }
    co_await aiostreams::sleep(5);
    CHECK(second.done());
    co_return what;
  };
  CHECK(aiostreams::run(loop, main()) == "first");
  CHECK(reports == std::vector<std::string>{});
}
