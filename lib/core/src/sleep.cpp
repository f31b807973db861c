#include "aiostreams/sleep.hpp"

namespace aiostreams {

Task<void> sleep(double seconds) {
  if (seconds <= 0) {
    co_await yield_now();
    co_return;
  }
  Loop& loop = get_running_loop();
  Future<void> done(loop);
  struct CancelTimer {
    TimerHandle timer;
    ~CancelTimer() { timer.cancel(); }
  } guard{loop.call_later(seconds, [done]() mutable {
    if (!done.done()) done.set_result();
  })};
  co_await done;
}

}  // namespace aiostreams
