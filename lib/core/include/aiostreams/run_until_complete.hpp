// run(loop, main) and run_until_complete: asyncio.run and loop.run_until_complete on a loop you
// give (any backend). The default run(main), on a new AsioLoop, is in <aiostreams/run.hpp>.
#pragma once

#include <vector>

#include "aiostreams/errors.hpp"
#include "aiostreams/task.hpp"

namespace aiostreams {

namespace detail {
/// Cancels every pending task of `loop` and runs the loop until they have finished.
void cancel_all_tasks(Loop& loop);
}  // namespace detail

/// Runs the loop until `future` is done and returns its result (or throws its exception):
/// a const reference, or for a move-only T the value, taken as co_await takes it (see
/// Future<T>). Throws RuntimeError if the loop stopped first.
template <class T>
decltype(auto) run_until_complete(Loop& loop, Future<T> future) {
  future.add_done_callback([&loop] { loop.stop(); });
  loop.run_forever();
  if (!future.done()) throw RuntimeError("Event loop stopped before Future completed.");
  if constexpr (detail::move_only_result_v<T>) {
    return T(future.state()->take_result());
  } else {
    return future.result();
  }
}

/// Runs `main` as a task on `loop` until it completes, like asyncio.run: then cancels
/// whatever tasks are left, lets them finish, and returns main's result or rethrows its
/// exception. `main` takes no loop: code inside finds it with get_running_loop().
template <class T>
T run(Loop& loop, Task<T> main) {
  Future<T> future = create_task(loop, std::move(main));
  struct Cleanup {
    Loop& loop;
    ~Cleanup() {
      detail::cancel_all_tasks(loop);
      loop.close_pending_tasks();
    }
  } cleanup{loop};
  if constexpr (std::is_void_v<T>) {
    run_until_complete(loop, future);
  } else {
    return run_until_complete(loop, future);
  }
}

}  // namespace aiostreams
