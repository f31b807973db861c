#include "aiostreams/awaitable.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <type_traits>

#include "aiostreams/run_until_complete.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/stream_reader.hpp"

using aiostreams::Future;
using aiostreams::StreamReader;
using aiostreams::Task;
using aiostreams::sim::SimLoop;

// What co_await produces, for each kind of awaitable.
static_assert(std::is_same_v<aiostreams::await_result_t<Task<int>>, int>);
static_assert(std::is_same_v<aiostreams::await_result_t<Future<std::string>>, const std::string&> ||
              std::is_same_v<aiostreams::await_result_t<Future<std::string>>, std::string>);
static_assert(std::is_same_v<aiostreams::await_result_t<aiostreams::ReadOperation>, std::string>);

namespace {
Task<int> forty_two() { co_return 42; }
}  // namespace

TEST_CASE("ensure_future returns a Future as it is") {
  SimLoop loop;
  Future<int> future(loop);
  auto same = aiostreams::ensure_future(loop, future);
  static_assert(std::is_same_v<decltype(same), Future<int>>);
  CHECK(same.state() == future.state());
}

TEST_CASE("ensure_future schedules a Task and gives its result") {
  SimLoop loop;
  auto future = aiostreams::ensure_future(loop, forty_two());
  CHECK_FALSE(future.done());  // scheduled, not run inline
  loop.run_until_idle();
  REQUIRE(future.done());
  CHECK(future.result() == 42);
}

TEST_CASE("as_task turns a reader operation into a task that reads when run") {
  SimLoop loop;
  auto reader = std::make_shared<StreamReader>();
  auto future = aiostreams::ensure_future(loop, reader->readline());
  loop.run_until_idle();
  CHECK_FALSE(future.done());  // waits for a line
  reader->feed_data("line\nrest");
  loop.run_until_idle();
  REQUIRE(future.done());
  CHECK(future.result() == "line\n");
}

TEST_CASE("as_task of a Future completes with the Future's value") {
  SimLoop loop;
  Future<std::string> future(loop);
  auto task = aiostreams::create_task(loop, aiostreams::as_task(future));
  loop.run_until_idle();
  CHECK_FALSE(task.done());
  future.set_result("value");
  loop.run_until_idle();
  REQUIRE(task.done());
  CHECK(task.result() == "value");
}
