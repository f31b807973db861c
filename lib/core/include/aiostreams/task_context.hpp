// A context that tasks inherit from the task that created them, like a contextvars copy
// in asyncio. The core only carries it: a backend derives its own (the simulator's
// SimTaskContext names the simulated host a task runs on); the real backend sets none.
#pragma once

#include <memory>
#include <string>

#include "aiostreams/task.hpp"

namespace aiostreams {

struct TaskContext {
  virtual ~TaskContext() = default;
  /// What describe_pending_tasks() shows in brackets after the task's name ("client-1"),
  /// or "" for nothing.
  virtual std::string describe() const { return {}; }
};

/// The running task's context, or nullptr (outside a task, or none was given).
const TaskContext* current_task_context() noexcept;

/// While it lives, tasks created outside any task inherit `context`, and
/// current_task_context() gives it there: what an asyncio callback gets from the context its
/// call_soon captured. A backend puts one around the callbacks it runs for a connection (the
/// simulator: the host the connection is on), so that a server's handler tasks run where the
/// server does. Scopes nest; each restores the one before it.
class ScopedTaskContext {
 public:
  explicit ScopedTaskContext(std::shared_ptr<const TaskContext> context) noexcept;
  ~ScopedTaskContext();
  ScopedTaskContext(const ScopedTaskContext&) = delete;
  ScopedTaskContext& operator=(const ScopedTaskContext&) = delete;

 private:
  std::shared_ptr<const TaskContext> previous_;
};

/// create_task() with an explicit context, which its own child tasks then inherit.
template <class T>
Future<T> create_task_in(Loop& loop, Task<T> body, std::shared_ptr<const TaskContext> context) {
  auto future = create_task(loop, std::move(body));
  dynamic_cast<detail::TaskBase&>(*future.state()).set_context(std::move(context));
  return future;
}

}  // namespace aiostreams
