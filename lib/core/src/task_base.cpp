#include "aiostreams/detail/task_base.hpp"

#include "aiostreams/task_context.hpp"

#include <memory>
#include <utility>

namespace aiostreams::detail {

namespace {
thread_local TaskBase* running_task = nullptr;
// The context of the callback being run outside any task (ScopedTaskContext).
thread_local std::shared_ptr<const TaskContext> callback_context;
}  // namespace

TaskBase* current_task() noexcept { return running_task; }
}  // namespace aiostreams::detail

namespace aiostreams {
const TaskContext* current_task_context() noexcept {
  return detail::running_task != nullptr ? detail::running_task->context().get() : detail::callback_context.get();
}

ScopedTaskContext::ScopedTaskContext(std::shared_ptr<const TaskContext> context) noexcept
    : previous_(std::exchange(detail::callback_context, std::move(context))) {}

ScopedTaskContext::~ScopedTaskContext() { detail::callback_context = std::move(previous_); }
}  // namespace aiostreams

namespace aiostreams::detail {

TaskBase& require_current_task(const char* what) {
  if (running_task == nullptr) throw RuntimeError(std::string("cannot ") + what + " outside of a task");
  return *running_task;
}

TaskBase::TaskBase(Loop& loop) : loop_(&loop) {
  context_ = running_task != nullptr ? running_task->context_ : callback_context;
  number_ = ++loop.tasks_created_;
  prev_ = loop.tasks_tail_;
  if (prev_ != nullptr) {
    prev_->next_ = this;
  } else {
    loop.tasks_head_ = this;
  }
  loop.tasks_tail_ = this;
}

TaskBase::~TaskBase() {
  (prev_ != nullptr ? prev_->next_ : loop_->tasks_head_) = next_;
  (next_ != nullptr ? next_->prev_ : loop_->tasks_tail_) = prev_;
}

bool TaskBase::request_cancel() {
  if (future().done()) return false;
  if (waiting_on_ != nullptr && waiting_on_->cancel()) return true;
  must_cancel_ = true;
  return true;
}

void TaskBase::resume(std::coroutine_handle<> handle) {
  TaskBase* previous = running_task;
  running_task = this;
  waiting_on_ = nullptr;
  handle.resume();
  running_task = previous;
}

void TaskBase::throw_if_must_cancel() {
  if (must_cancel_) {
    must_cancel_ = false;
    throw CancelledError();
  }
}

void TaskBase::suspend_on(FutureBase& awaited, std::coroutine_handle<> handle) {
  waiting_on_ = &awaited;
  std::shared_ptr<FutureBase> self = shared_future();
  awaited.add_done_callback([self = std::move(self), this, handle] { resume(handle); });
  // A cancel that arrived while the task ran is delivered by cancelling what it now awaits.
  if (must_cancel_ && awaited.cancel()) must_cancel_ = false;
}

void TaskBase::suspend_on(FutureBase& awaited, WakeStep& step) {
  waiting_on_ = &awaited;
  // Two pointers: std::function keeps them inline, so waiting allocates nothing here. The
  // step holds the task alive instead (see the declaration).
  awaited.add_done_callback([this, &step] {
    TaskBase* previous = running_task;
    running_task = this;
    waiting_on_ = nullptr;
    step.wake();  // may release the last reference to this task: nothing of it is used after
    running_task = previous;
  });
  if (must_cancel_ && awaited.cancel()) must_cancel_ = false;
}

void TaskBase::yield_to_loop(std::coroutine_handle<> handle) {
  std::shared_ptr<FutureBase> self = shared_future();
  loop_->call_soon([self = std::move(self), this, handle] { resume(handle); });
}

}  // namespace aiostreams::detail
