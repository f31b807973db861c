#include "aiostreams/asio_loop.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "aiostreams/run.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/stream_reader.hpp"
#include "aiostreams/wait_for.hpp"

using aiostreams::Task;

TEST_CASE("run without a loop runs main on a real AsioLoop") {
  auto main = []() -> Task<std::string> {
    aiostreams::StreamReader reader;
    reader.feed_data("hello\n");
    co_return co_await reader.readline();
  };
  CHECK(aiostreams::run(main()) == "hello\n");
}

TEST_CASE("timers on the AsioLoop fire in time order after real time passes") {
  aiostreams::AsioLoop loop;
  std::vector<int> order;
  auto main = [&]() -> Task<double> {
    const double start = loop.time();
    loop.call_later(0.02, [&] { order.push_back(2); });
    loop.call_later(0.01, [&] { order.push_back(1); });
    co_await aiostreams::sleep(0.03);
    co_return loop.time() - start;
  };
  CHECK(aiostreams::run(loop, main()) >= 0.03);
  CHECK(order == std::vector<int>{1, 2});
}

TEST_CASE("call_soon_threadsafe wakes a loop that waits for nothing else") {
  aiostreams::AsioLoop loop;
  auto main = [&]() -> Task<int> {
    aiostreams::Future<int> answer(loop);
    std::thread other(
        [&loop, answer]() mutable { loop.call_soon_threadsafe([answer]() mutable { answer.set_result(7); }); });
    int value = co_await answer;
    other.join();
    co_return value;
  };
  CHECK(aiostreams::run(loop, main()) == 7);
}

TEST_CASE("wait_for on the AsioLoop times out a read that gets no data") {
  auto main = []() -> Task<bool> {
    aiostreams::StreamReader reader;
    reader.feed_data("partial");
    bool timed_out = false;
    try {
      co_await aiostreams::wait_for(reader.readline(), 0.01);
    } catch (const aiostreams::TimeoutError&) {
      timed_out = true;
    }
    // The timed-out readline was cancelled and consumed nothing; the reader is usable.
    reader.feed_data(" line\n");
    co_return timed_out&& co_await reader.readline() == "partial line\n";
  };
  CHECK(aiostreams::run(main()));
}
