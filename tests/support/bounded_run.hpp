// Bounded runs: every test body runs under a time bound, so a regression fails with
// TimeoutError instead of hanging the test run.
#pragma once

#include <utility>

#include "aiostreams/run.hpp"
#include "aiostreams/wait_for.hpp"

namespace aiostreams::testing {

/// Runs `body()` (a coroutine returning Task<void>) on `loop` under a bound of `seconds`
/// (loop time: virtual on the simulator, wall-clock on Asio).
template <class F>
void run_bounded(Loop& loop, F&& body, double seconds = 10.0) {
  aiostreams::run(loop, aiostreams::wait_for(body(), seconds));
}

/// The same on a fresh AsioLoop.
template <class F>
void run_bounded(F&& body) {
  AsioLoop loop;
  run_bounded(loop, std::forward<F>(body));
}

}  // namespace aiostreams::testing
