// sleep(): asyncio.sleep.
#pragma once

#include <coroutine>

#include "aiostreams/task.hpp"

namespace aiostreams {

namespace detail {
/// asyncio's sleep(0): yields to the loop once, letting everything already ready run.
struct YieldAwaiter {
  TaskBase* task = nullptr;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> handle) {
    task = &require_current_task("sleep");
    task->yield_to_loop(handle);
  }
  void await_resume() { task->throw_if_must_cancel(); }
};
}  // namespace detail

/// Suspends the current task for `seconds` of loop time (virtual on the simulator).
/// sleep(0) (or less) yields exactly one loop iteration. Safe to cancel: the timer is
/// removed and CancelledError is thrown.
Task<void> sleep(double seconds);

/// asyncio's sleep(0) without a coroutine frame: `co_await yield_now();`.
inline detail::YieldAwaiter yield_now() noexcept { return {}; }

}  // namespace aiostreams
