#include "aiostreams/run.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <stdexcept>
#include <string>

#include "aiostreams/sleep.hpp"

using aiostreams::Task;

namespace {
// Which kind of loop the running task is on.
Task<std::string> loop_kind() {
  co_return dynamic_cast<aiostreams::AsioLoop*>(&aiostreams::get_running_loop()) != nullptr ? "asio" : "other";
}
}  // namespace

TEST_CASE("run(main) runs main on a fresh Asio loop and returns its value") {
  CHECK(aiostreams::run(loop_kind()) == "asio");
  CHECK(aiostreams::current_loop() == nullptr);  // and leaves no loop installed
}

TEST_CASE("run(main) rethrows the exception of main with its type") {
  auto main = []() -> Task<void> {
    co_await aiostreams::sleep(0);
    throw std::out_of_range("main failed");
  };
  CHECK_THROWS_AS(aiostreams::run(main()), std::out_of_range);
}

TEST_CASE("run(main) sleeps in real time") {
  const auto start = std::chrono::steady_clock::now();
  aiostreams::run([]() -> Task<void> { co_await aiostreams::sleep(0.05); }());
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(50));
}
