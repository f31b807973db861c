#include "aiostreams/sim/sim_loop.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "aiostreams/gather.hpp"
#include "aiostreams/run.hpp"
#include "aiostreams/sleep.hpp"

using aiostreams::Future;
using aiostreams::Task;
using aiostreams::TimerHandle;
using aiostreams::sim::DeadlockError;
using aiostreams::sim::SimLoop;

namespace {
using Trace = std::vector<std::pair<std::int64_t, std::string>>;

Task<void> worker(int id, Trace& trace) {
  auto& loop = static_cast<SimLoop&>(aiostreams::get_running_loop());
  for (int step = 0; step < 5; ++step) {
    const auto delay = static_cast<double>(loop.rng().uniform_int(1, 1000)) / 1000.0;
    co_await aiostreams::sleep(delay);
    trace.emplace_back(loop.now_ns(), "worker " + std::to_string(id) + " step " + std::to_string(step));
  }
}

Task<void> scenario(Trace& trace) {
  std::vector<Task<void>> workers;
  for (int id = 0; id < 4; ++id) workers.push_back(worker(id, trace));
  co_await aiostreams::gather(std::move(workers));
}

Trace run_scenario(std::uint64_t seed) {
  SimLoop loop(seed);
  Trace trace;
  aiostreams::run(loop, scenario(trace));
  return trace;
}
}  // namespace

TEST_CASE("the ready queue runs callbacks in FIFO order") {
  SimLoop loop;
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) loop.call_soon([&order, i] { order.push_back(i); });
  CHECK(loop.run_until_idle() == 5);
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(loop.events_run() == 5);
}

TEST_CASE("callbacks scheduled by a callback run on the next iteration, after those already ready") {
  SimLoop loop;
  std::vector<std::string> order;
  loop.call_soon([&] {
    order.push_back("a");
    loop.call_soon([&] { order.push_back("c"); });
  });
  loop.call_soon([&] { order.push_back("b"); });
  CHECK(loop.run_once());
  CHECK(order == std::vector<std::string>{"a", "b"});
  CHECK(loop.run_once());
  CHECK(order == std::vector<std::string>{"a", "b", "c"});
  CHECK_FALSE(loop.run_once());
}

TEST_CASE("timers at the same time run in the order they were scheduled") {
  SimLoop loop;
  std::vector<int> order;
  loop.call_at(2.0, [&] { order.push_back(3); });
  loop.call_at(1.0, [&] { order.push_back(0); });
  loop.call_at(2.0, [&] { order.push_back(4); });
  loop.call_at(1.0, [&] { order.push_back(1); });
  loop.call_at(1.0, [&] { order.push_back(2); });
  while (loop.run_once()) {
  }
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(loop.time() == 2.0);
}

TEST_CASE("virtual time jumps to the next timer only when nothing is ready") {
  SimLoop loop;
  std::vector<std::string> order;
  loop.call_at(5.0, [&] { order.push_back("timer@" + std::to_string(loop.time())); });
  loop.call_soon([&] { order.push_back("ready@" + std::to_string(loop.time())); });
  CHECK(loop.run_once());
  CHECK(loop.time() == 0.0);
  CHECK(loop.run_once());
  CHECK(loop.now_ns() == 5'000'000'000);
  CHECK(order == std::vector<std::string>{"ready@0.000000", "timer@5.000000"});
}

TEST_CASE("call_at in the past runs on the next iteration without moving time backwards") {
  SimLoop loop;
  std::vector<double> fired;
  loop.call_at(3.0, [&] { loop.call_at(1.0, [&] { fired.push_back(loop.time()); }); });
  CHECK(loop.run_once());  // jumps to 3 and runs the first timer
  CHECK(fired.empty());
  CHECK(loop.run_once());
  CHECK(fired == std::vector<double>{3.0});
  CHECK(loop.time() == 3.0);
}

TEST_CASE("a cancelled TimerHandle never runs its callback and does not move time") {
  SimLoop loop;
  std::vector<int> order;
  TimerHandle cancelled = loop.call_at(1.0, [&] { order.push_back(1); });
  loop.call_at(2.0, [&] { order.push_back(2); });
  TimerHandle late = loop.call_at(7.0, [&] { order.push_back(7); });
  cancelled.cancel();
  late.cancel();
  while (loop.run_once()) {
  }
  CHECK(order == std::vector<int>{2});
  CHECK(loop.time() == 2.0);
}

TEST_CASE("a timer cancelled after it became due but before it ran does not run") {
  SimLoop loop;
  std::vector<int> order;
  TimerHandle second;
  loop.call_at(1.0, [&] {
    order.push_back(1);
    second.cancel();
  });
  second = loop.call_at(1.0, [&] { order.push_back(2); });
  while (loop.run_once()) {
  }
  CHECK(order == std::vector<int>{1});
}

TEST_CASE("run_until_idle runs what is ready and due but does not advance time") {
  SimLoop loop;
  std::vector<std::string> order;
  loop.call_later(1.0, [&] { order.push_back("later"); });
  loop.call_at(0.0, [&] { order.push_back("due now"); });
  loop.call_soon([&] {
    order.push_back("soon");
    loop.call_soon([&] { order.push_back("chained"); });
  });
  CHECK(loop.run_until_idle() == 3);
  CHECK(order == std::vector<std::string>{"soon", "due now", "chained"});
  CHECK(loop.time() == 0.0);
  CHECK(loop.run_until_idle() == 0);
  CHECK(loop.run_once());
  CHECK(loop.time() == 1.0);
  CHECK(order.back() == "later");
}

TEST_CASE("run_forever returns after stop") {
  SimLoop loop;
  int ticks = 0;
  loop.call_later(1, [&] { ++ticks; });
  loop.call_later(2, [&] {
    ++ticks;
    loop.stop();
  });
  loop.call_later(3, [&] { ++ticks; });
  loop.run_forever();
  CHECK(ticks == 2);
  CHECK(loop.time() == 2.0);
}

TEST_CASE("run_forever with nothing to do while a task waits throws DeadlockError") {
  SimLoop loop;
  aiostreams::CurrentLoopScope scope(loop);
  Future<int> never(loop);
  auto waiter = [](Future<int> f) -> Task<int> { co_return co_await f; };
  Future<int> task = aiostreams::create_task(loop, waiter(never));
  CHECK_THROWS_AS(loop.run_forever(), DeadlockError);
  CHECK_FALSE(task.done());
  CHECK(loop.pending_task_count() == 1);
}

TEST_CASE("the deadlock report counts the waiting tasks and DeadlockError is a RuntimeError") {
  SimLoop loop;
  aiostreams::CurrentLoopScope scope(loop);
  Future<void> never(loop);
  auto waiter = [](Future<void> f) -> Task<void> { co_await f; };
  Future<void> a = aiostreams::create_task(loop, waiter(never));
  Future<void> b = aiostreams::create_task(loop, waiter(never));
  CHECK_THROWS_WITH(loop.run_forever(), Catch::Contains("2 task(s)"));
  CHECK_THROWS_AS(loop.run_forever(), aiostreams::RuntimeError);
}

TEST_CASE("run of a main that waits forever throws DeadlockError instead of hanging") {
  SimLoop loop;
  auto main = []() -> Task<void> {
    Future<void> never;
    co_await never;
  };
  CHECK_THROWS_AS(aiostreams::run(loop, main()), DeadlockError);
}

TEST_CASE("the same program with the same seed produces the same trace") {
  const Trace first = run_scenario(12345);
  const Trace second = run_scenario(12345);
  REQUIRE(first.size() == 20);
  CHECK(first == second);
}

TEST_CASE("different seeds drawing from the loop's generator produce different traces") {
  CHECK(run_scenario(1) != run_scenario(2));
}

TEST_CASE("the loop's generator is seeded with the loop's seed") {
  SimLoop loop(77);
  aiostreams::sim::Prng reference(77);
  CHECK(loop.seed() == 77);
  CHECK(loop.rng().next_u64() == reference.next_u64());
}

TEST_CASE("call_at_ns schedules in whole virtual nanoseconds") {
  SimLoop loop;
  std::vector<std::int64_t> fired;
  loop.call_at_ns(3, [&] { fired.push_back(loop.now_ns()); });
  loop.call_at_ns(1, [&] { fired.push_back(loop.now_ns()); });
  while (loop.run_once()) {
  }
  CHECK(fired == std::vector<std::int64_t>{1, 3});
}

TEST_CASE("destroying a SimLoop with pending tasks and timers releases everything") {
  bool destroyed = false;
  {
    SimLoop loop;
    aiostreams::CurrentLoopScope scope(loop);
    struct Flag {
      bool* flag;
      ~Flag() { *flag = true; }
    };
    auto body = [](bool& out) -> Task<void> {
      Flag flag{&out};
      co_await aiostreams::sleep(100);
    };
    (void)aiostreams::create_task(loop, body(destroyed));
    loop.run_once();
    CHECK_FALSE(destroyed);
  }
  CHECK(destroyed);
}

TEST_CASE("a described event counts in the digest as its numbers do, and only the trace shows the words") {
  SimLoop plain(1);
  SimLoop described(1);
  described.set_trace(true);
  int descriptions = 0;
  plain.record("connect", 7, 8888);
  described.record_described("connect", 7, 8888, [&] {
    ++descriptions;
    return std::string("client-1 -> server:8888");
  });
  CHECK(plain.digest() == described.digest());
  REQUIRE(described.trace().size() == 1);
  CHECK(described.trace()[0].description == "connect client-1 -> server:8888");
  SimLoop untraced(1);
  untraced.record_described("connect", 7, 8888, [&] {
    ++descriptions;
    return std::string("unused");
  });
  CHECK(untraced.digest() == plain.digest());
  CHECK(descriptions == 1);  // not called while the trace is off
}
