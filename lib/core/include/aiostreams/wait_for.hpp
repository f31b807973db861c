// wait_for(): asyncio.wait_for.
#pragma once

#include "aiostreams/awaitable.hpp"

namespace aiostreams {

namespace detail {
/// Cancels `inner` and waits until it is done, whatever happens to the waiting task.
template <class T>
Task<void> cancel_and_wait(Future<T> inner) {
  Future<void> finished(inner.loop());
  auto id = inner.add_done_callback([finished]() mutable {
    if (!finished.done()) finished.set_result();
  });
  inner.cancel();
  try {
    co_await finished;
  } catch (const CancelledError&) {
    inner.remove_done_callback(id);
    throw;
  }
}
}  // namespace detail

/// Awaits `awaitable` (run as its own task) for at most `timeout` seconds of loop time.
/// On timeout the inner operation is cancelled, waited for, and TimeoutError is thrown
/// (if the inner operation caught the cancellation and returned a value, that value is
/// returned). Cancelling the caller cancels the inner operation too and throws
/// CancelledError, even if the operation finished in the meantime (3.12+ semantics).
/// A move-only result is moved out of a Future passed in (see Future<T>).
template <class A>
Task<await_result_t<A>> wait_for(A awaitable, double timeout) {
  using T = await_result_t<A>;
  Loop& loop = get_running_loop();
  Future<T> inner = ensure_future(loop, std::move(awaitable));
  Future<void> wake(loop);
  auto release = [wake]() mutable {
    if (!wake.done()) wake.set_result();
  };
  struct CancelTimer {
    TimerHandle timer;
    ~CancelTimer() { timer.cancel(); }
  } guard{loop.call_later(timeout, release)};
  auto id = inner.add_done_callback(release);

  bool caller_cancelled = false;
  try {
    co_await wake;
  } catch (const CancelledError&) {
    caller_cancelled = true;
  }
  // As in 3.12+: a cancel of the caller wins, even if the operation has finished meanwhile.
  if (caller_cancelled) {
    if (!inner.done()) {
      inner.remove_done_callback(id);
      co_await detail::cancel_and_wait(inner);
    }
    throw CancelledError();
  }
  // consume_result: moved out when `inner` is ours alone (or T is move-only), else copied.
  if (inner.done()) co_return detail::consume_outcome(inner.state());
  inner.remove_done_callback(id);
  co_await detail::cancel_and_wait(inner);
  try {
    co_return detail::consume_outcome(inner.state());
  } catch (const CancelledError&) {
    throw TimeoutError();
  }
}

}  // namespace aiostreams
