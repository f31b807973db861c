#include "aiostreams/run_until_complete.hpp"

#include <memory>

#include "aiostreams/detail/task_base.hpp"

namespace aiostreams::detail {

void cancel_all_tasks(Loop& loop) {
  auto pending = loop.pending_tasks();
  if (pending.empty()) return;
  for (auto& task : pending) task->cancel();
  Future<void> all_done(loop);
  auto remaining = std::make_shared<std::size_t>(pending.size());
  for (auto& task : pending) {
    task->add_done_callback([remaining, all_done]() mutable {
      if (--*remaining == 0) all_done.set_result();
    });
  }
  try {
    run_until_complete(loop, all_done);
  } catch (...) {
    loop.call_exception_handler({"error while cancelling the remaining tasks", std::current_exception()});
    return;
  }
  for (auto& task : pending) {
    if (!task->cancelled() && task->exception()) {
      loop.call_exception_handler({"unhandled exception during run() shutdown", task->exception()});
    }
  }
}

}  // namespace aiostreams::detail
