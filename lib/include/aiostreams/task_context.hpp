// A context that tasks inherit from the task that created them, like a contextvars copy
// in asyncio. The simulator uses it to know which simulated host a task runs on; on the
// real backend it is unused.
#pragma once

#include <memory>
#include <string>

#include "aiostreams/task.hpp"

namespace aiostreams {

struct TaskContext {
  /// The simulated host the task runs on ("" = the default host).
  std::string host;
};

/// The running task's context, or nullptr (outside a task, or none was given).
const TaskContext* current_task_context() noexcept;

/// create_task() with an explicit context, which its own child tasks then inherit.
template <class T>
Future<T> create_task_in(Loop& loop, Task<T> body, std::shared_ptr<const TaskContext> context) {
  auto future = create_task(loop, std::move(body));
  dynamic_cast<detail::TaskBase&>(*future.state()).set_context(std::move(context));
  return future;
}

}  // namespace aiostreams
