#include "aiostreams/loop.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "aiostreams/run.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sim/spawn.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/stream_reader.hpp"
#include "aiostreams/task_context.hpp"

using aiostreams::describe_exception;
using aiostreams::ExceptionContext;
using aiostreams::Future;
using aiostreams::Loop;
using aiostreams::RuntimeError;
using aiostreams::Task;
using aiostreams::TimerHandle;
using aiostreams::sim::SimLoop;

namespace {
struct DestroyFlag {
  bool* flag;
  ~DestroyFlag() { *flag = true; }
};
}  // namespace

TEST_CASE("there is no running loop outside of one") {
  CHECK(aiostreams::current_loop() == nullptr);
  CHECK_THROWS_WITH(aiostreams::get_running_loop(), "no running event loop");
}

TEST_CASE("CurrentLoopScope installs a loop for its lifetime and restores the previous one") {
  SimLoop outer;
  SimLoop inner;
  {
    aiostreams::CurrentLoopScope a(outer);
    CHECK(&aiostreams::get_running_loop() == &outer);
    {
      aiostreams::CurrentLoopScope b(inner);
      CHECK(&aiostreams::get_running_loop() == &inner);
    }
    CHECK(&aiostreams::get_running_loop() == &outer);
    CHECK_FALSE(outer.is_running());  // installed, not running
  }
  CHECK(aiostreams::current_loop() == nullptr);
}

TEST_CASE("the loop is running and current while it runs callbacks") {
  SimLoop loop;
  bool running_inside = false;
  Loop* current_inside = nullptr;
  loop.call_soon([&] {
    running_inside = loop.is_running();
    current_inside = aiostreams::current_loop();
  });
  CHECK(loop.run_until_idle() == 1);
  CHECK(running_inside);
  CHECK(current_inside == &loop);
  CHECK_FALSE(loop.is_running());
  CHECK(aiostreams::current_loop() == nullptr);
}

TEST_CASE("running a loop from inside its own callback is reported as a RuntimeError") {
  SimLoop loop;
  std::vector<std::string> reports;
  loop.set_exception_handler([&](const ExceptionContext& context) {
    reports.push_back(context.message + ": " + describe_exception(context.exception));
  });
  bool other_ran = false;
  loop.call_soon([&] { loop.run_once(); });
  loop.call_soon([&] { other_ran = true; });  // something for the nested run to find
  loop.run_until_idle();
  CHECK(other_ran);
  CHECK(reports == std::vector<std::string>{"Exception in callback: This event loop is already running"});
}

TEST_CASE("running a second loop while one is running is a RuntimeError") {
  SimLoop first;
  SimLoop second;
  second.call_soon([] {});
  std::vector<std::string> reports;
  first.set_exception_handler(
      [&](const ExceptionContext& context) { reports.push_back(describe_exception(context.exception)); });
  first.call_soon([&] { second.run_once(); });
  first.run_until_idle();
  CHECK(reports == std::vector<std::string>{"Cannot run the event loop while another loop is running"});
}

TEST_CASE("call_later schedules relative to the loop's current time") {
  SimLoop loop;
  std::vector<double> fired;
  loop.call_at(10, [&] {
    fired.push_back(loop.time());
    loop.call_later(2.5, [&] { fired.push_back(loop.time()); });
  });
  while (loop.run_once()) {
  }
  CHECK(fired == std::vector<double>{10.0, 12.5});
}

TEST_CASE("call_exception_handler passes the context to the installed handler") {
  SimLoop loop;
  std::string seen;
  loop.set_exception_handler(
      [&](const ExceptionContext& context) { seen = context.message + "|" + describe_exception(context.exception); });
  loop.call_exception_handler({"something", std::make_exception_ptr(std::runtime_error("bad"))});
  CHECK(seen == "something|bad");
}

TEST_CASE("set_exception_handler(nullptr) restores the default handler") {
  SimLoop loop;
  int calls = 0;
  loop.set_exception_handler([&](const ExceptionContext&) { ++calls; });
  loop.call_exception_handler({"first", nullptr});
  loop.set_exception_handler(nullptr);
  loop.call_exception_handler({"second (printed to stderr by the default handler)", nullptr});
  CHECK(calls == 1);
}

TEST_CASE("pending_tasks lists unfinished tasks in creation order") {
  SimLoop loop;
  aiostreams::CurrentLoopScope scope(loop);
  Future<void> a = aiostreams::create_task(loop, aiostreams::sleep(3));
  Future<void> b = aiostreams::create_task(loop, aiostreams::sleep(1));
  Future<void> c = aiostreams::create_task(loop, aiostreams::sleep(2));
  CHECK(loop.pending_task_count() == 3);
  auto pending = loop.pending_tasks();
  REQUIRE(pending.size() == 3);
  CHECK(pending[0] == a.state());
  CHECK(pending[1] == b.state());
  CHECK(pending[2] == c.state());
  while (!b.done()) loop.run_once();
  pending = loop.pending_tasks();
  REQUIRE(pending.size() == 2);
  CHECK(pending[0] == a.state());
  CHECK(pending[1] == c.state());
  CHECK(loop.pending_task_count() == 2);
}

TEST_CASE("close_pending_tasks destroys the coroutines of pending tasks without running them") {
  SimLoop loop;
  aiostreams::CurrentLoopScope scope(loop);
  bool destroyed = false;
  bool resumed = false;
  auto body = [](bool& destroyed_flag, bool& resumed_flag) -> Task<void> {
    DestroyFlag guard{&destroyed_flag};
    co_await aiostreams::sleep(5);
    resumed_flag = true;
  };
  Future<void> task = aiostreams::create_task(loop, body(destroyed, resumed));
  loop.run_once();  // started, now sleeping
  CHECK_FALSE(destroyed);
  loop.close_pending_tasks();
  CHECK(destroyed);
  CHECK_FALSE(resumed);
}

TEST_CASE("a default TimerHandle can be cancelled harmlessly and cancel is idempotent") {
  TimerHandle empty;
  CHECK_FALSE(empty.cancelled());
  empty.cancel();
  CHECK_FALSE(empty.cancelled());

  SimLoop loop;
  int runs = 0;
  TimerHandle timer = loop.call_later(1, [&] { ++runs; });
  CHECK_FALSE(timer.cancelled());
  timer.cancel();
  timer.cancel();
  CHECK(timer.cancelled());
  while (loop.run_once()) {
  }
  CHECK(runs == 0);
}

TEST_CASE("a cancelled timer releases what its callback holds at once") {
  SimLoop loop;
  auto held = std::make_shared<int>(1);
  std::weak_ptr<int> watch = held;
  TimerHandle timer = loop.call_later(100, [held] { (void)held; });
  held.reset();
  CHECK_FALSE(watch.expired());
  timer.cancel();
  CHECK(watch.expired());
}

TEST_CASE("describe_pending_tasks names each waiting task and what it waits on") {
  aiostreams::sim::SimLoop loop;
  aiostreams::StreamReader reader;
  auto waiting = [](aiostreams::StreamReader& r) -> aiostreams::Task<std::string> { co_return co_await r.readline(); };
  auto context = std::make_shared<const aiostreams::sim::SimTaskContext>("client-1");
  auto task = aiostreams::create_task_in(loop, waiting(reader), context);
  loop.run_until_idle();
  const auto lines = loop.describe_pending_tasks();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "Task-1 [client-1]: waits on StreamReader.readline() waiting for data");
  reader.feed_data("done\n");
  loop.run_until_idle();
  CHECK(loop.describe_pending_tasks().empty());
  CHECK(task.result() == "done\n");
}
