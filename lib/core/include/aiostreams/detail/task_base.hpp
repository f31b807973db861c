// The scheduling half of a task: which future it waits on, the pending-cancel flag, and
// how the loop resumes it. Every suspension of a task goes through suspend_on() or
// yield_to_loop(), which is what lets cancel() find it.
#pragma once

#include <coroutine>

#include "aiostreams/detail/future_state.hpp"

namespace aiostreams {
struct TaskContext;
}

namespace aiostreams::detail {

/// An awaiter that runs its own step when the future it waits on completes, instead of
/// having its coroutine resumed: it can then wait again without a coroutine frame of its
/// own (a read that got too little data). wake() runs as part of the task and must end by
/// resuming the awaiting coroutine or by suspending the task again.
class WakeStep {
 public:
  virtual void wake() noexcept = 0;

 protected:
  ~WakeStep() = default;
};

class TaskBase {
 public:
  explicit TaskBase(Loop& loop);
  virtual ~TaskBase();
  TaskBase(const TaskBase&) = delete;
  TaskBase& operator=(const TaskBase&) = delete;

  /// The future side of this task (the same object).
  virtual FutureBase& future() noexcept = 0;
  /// A strong reference to it (tasks, unlike plain futures, know their shared_ptr).
  virtual std::shared_ptr<FutureBase> shared_future() noexcept = 0;
  /// Called once by the root coroutine's final suspend: stores its outcome in the future.
  virtual void root_finished() noexcept = 0;
  /// Destroys the coroutine of a task that will never run again (loop shutdown).
  virtual void destroy_coroutine() noexcept = 0;

  /// asyncio's Task.cancel(): cancels the future the task waits on, or arranges for
  /// CancelledError to be thrown when it next resumes. False if the task is done.
  bool request_cancel();

  /// Resumes `handle` as part of this task (sets the current task around it).
  void resume(std::coroutine_handle<> handle);

  /// Throws CancelledError if a cancel arrived while the task was suspended but after its
  /// waiter had completed (asyncio's _must_cancel). Called on every resume from the loop.
  void throw_if_must_cancel();
  /// Clears a pending cancel request; returns whether there was one.
  bool consume_must_cancel() noexcept { return std::exchange(must_cancel_, false); }

  /// Registers this task as waiting on `awaited` and arranges to resume `handle` when it
  /// completes (the wake-up goes through the loop's ready queue).
  void suspend_on(FutureBase& awaited, std::coroutine_handle<> handle);
  /// The same, calling step.wake() (as part of this task) instead of resuming a coroutine.
  /// Unlike the coroutine form, the wake-up does not hold the task: the step must, from
  /// here until it is woken (shared_future()), as asyncio's pending callback does.
  void suspend_on(FutureBase& awaited, WakeStep& step);
  /// Schedules `handle` to resume on the next loop iteration (asyncio's bare yield).
  void yield_to_loop(std::coroutine_handle<> handle);

  Loop& loop() const noexcept { return *loop_; }
  /// The future the task is suspended on, or nullptr (running, ready, or yielding).
  const FutureBase* waiting_on() const noexcept { return waiting_on_; }
  /// "Task-N", numbered per loop in creation order (asyncio's default task names).
  std::string name() const { return name_ ? *name_ : "Task-" + std::to_string(number_); }
  void set_name(std::string name) { name_ = std::make_unique<std::string>(std::move(name)); }

  /// The task-local context (see task_context.hpp), inherited at creation.
  const std::shared_ptr<const TaskContext>& context() const noexcept { return context_; }
  void set_context(std::shared_ptr<const TaskContext> context) noexcept { context_ = std::move(context); }

 private:
  friend class aiostreams::Loop;
  Loop* loop_;
  FutureBase* waiting_on_ = nullptr;  // asyncio's _fut_waiter
  bool must_cancel_ = false;
  std::shared_ptr<const TaskContext> context_;
  std::uint64_t number_;               // N of the default name
  std::unique_ptr<std::string> name_;  // set_name()
  TaskBase* prev_ = nullptr;           // the loop's list of live tasks
  TaskBase* next_ = nullptr;
};

/// The task whose coroutine is running now, or nullptr.
TaskBase* current_task() noexcept;
/// current_task(), or a RuntimeError naming `what` when called outside a task.
TaskBase& require_current_task(const char* what);

/// The awaiter for a future: does not suspend if it is done; otherwise suspends the
/// current task on it. await_resume() applies a pending cancel, then returns nothing:
/// the caller reads the outcome from the future.
class FutureWait {
 public:
  explicit FutureWait(FutureBase& future) : future_(future) {}
  bool await_ready() const noexcept { return future_.done(); }
  void await_suspend(std::coroutine_handle<> handle) {
    task_ = &require_current_task("await a future");
    task_->suspend_on(future_, handle);
  }
  void await_resume() {
    if (task_ != nullptr) task_->throw_if_must_cancel();
  }

 private:
  FutureBase& future_;
  TaskBase* task_ = nullptr;
};

}  // namespace aiostreams::detail
