// Task<T>: the coroutine type of aiostreams, and create_task() which runs one concurrently.
#pragma once

#include <cassert>
#include <coroutine>
#include <exception>
#include <optional>
#include <utility>
#include <variant>

#include "aiostreams/future.hpp"

namespace aiostreams {

template <class T>
class Task;

namespace detail {

class PromiseBase {
 public:
  std::suspend_always initial_suspend() const noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> handle) const noexcept {
      PromiseBase& promise = handle.promise();
      if (promise.root_ != nullptr) {
        promise.root_->root_finished();  // destroys this frame: nothing of it is used after
        return std::noop_coroutine();
      }
      if (promise.finished_inline_ != nullptr) {
        // Still inside the awaiter's await_suspend: return there instead of resuming the
        // awaiting coroutine on top of this frame (see Task::await_suspend).
        *promise.finished_inline_ = true;
        return std::noop_coroutine();
      }
      return promise.continuation_;
    }
    void await_resume() const noexcept {}
  };
  FinalAwaiter final_suspend() const noexcept { return {}; }

  void set_continuation(std::coroutine_handle<> continuation) noexcept { continuation_ = continuation; }
  void set_root(TaskBase* root) noexcept { root_ = root; }
  void set_finished_inline_flag(bool* flag) noexcept { finished_inline_ = flag; }

 private:
  std::coroutine_handle<> continuation_ = std::noop_coroutine();
  TaskBase* root_ = nullptr;         // set when this coroutine is the body of a scheduled task
  bool* finished_inline_ = nullptr;  // set while the awaiter is inside await_suspend
};

template <class T>
class Promise : public PromiseBase {
 public:
  Task<T> get_return_object() noexcept;
  void unhandled_exception() noexcept { outcome_.template emplace<2>(std::current_exception()); }
  template <class U>
  void return_value(U&& value) {
    outcome_.template emplace<1>(std::forward<U>(value));
  }
  /// Moves the result out, or rethrows the exception.
  SafeStored<T> take() {
    if (outcome_.index() == 2) std::rethrow_exception(std::get<2>(outcome_));
    return std::move(std::get<1>(outcome_));
  }

 private:
  // SafeStored: a bad T gets CheckResult's one-line message, not std::variant's page.
  std::variant<std::monostate, SafeStored<T>, std::exception_ptr> outcome_;
};

template <>
class Promise<void> : public PromiseBase {
 public:
  Task<void> get_return_object() noexcept;
  void unhandled_exception() noexcept { error_ = std::current_exception(); }
  void return_void() noexcept {}
  void take() {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::exception_ptr error_;
};

}  // namespace detail

/// A lazy coroutine. Nothing runs until it is awaited (then it runs inside the awaiting
/// task; a chain of synchronous completions does not grow the stack) or handed to create_task(). Move-only; exceptions
/// propagate through co_await.
template <class T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::Promise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  Task() noexcept = default;
  explicit Task(Handle handle) noexcept : handle_(handle) {}
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  ~Task() { reset(); }

  bool valid() const noexcept { return static_cast<bool>(handle_); }
  bool done() const noexcept { return handle_ && handle_.done(); }

  bool await_ready() const noexcept { return false; }
  // Runs the body right here. If it finishes without suspending, say so (return false) and
  // the awaiting coroutine simply continues: the body's frame is already off the stack, so
  // a million synchronous awaits in a row use constant stack even where the compiler does
  // not turn symmetric transfer into a tail call (GCC at -O0, sanitizers).
  bool await_suspend(std::coroutine_handle<> awaiting) noexcept {
    bool finished_inline = false;
    auto& promise = handle_.promise();
    promise.set_continuation(awaiting);
    promise.set_finished_inline_flag(&finished_inline);
    handle_.resume();
    if (!finished_inline) promise.set_finished_inline_flag(nullptr);
    return !finished_inline;
  }
  T await_resume() { return handle_.promise().take(); }

  /// For create_task: the raw handle (ownership stays with this Task).
  Handle handle() const noexcept { return handle_; }

 private:
  void reset() noexcept {
    if (handle_) handle_.destroy();
    handle_ = {};
  }
  Handle handle_;
};

namespace detail {

template <class T>
Task<T> Promise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}

/// A scheduled task: a future whose result comes from running a Task<T> on the loop.
template <class T>
class TaskState final : public FutureState<T>, public TaskBase, public std::enable_shared_from_this<TaskState<T>> {
 public:
  TaskState(Loop& loop, Task<T> body) : FutureState<T>(loop), TaskBase(loop), body_(std::move(body)) {
    this->mark_as_task();
    body_.handle().promise().set_root(this);
  }

  FutureBase& future() noexcept override { return *this; }
  std::shared_ptr<FutureBase> shared_future() noexcept override { return this->shared_from_this(); }
  bool cancel() override { return request_cancel(); }

  /// The first step: runs the body unless it was cancelled before it started.
  void start() {
    if (FutureBase::done()) return;
    if (consume_must_cancel()) {
      this->finish(FutureBase::State::cancelled);
      return;
    }
    resume(body_.handle());
  }

  void root_finished() noexcept override {
    // The outcome leaves the frame, then the frame goes, as a finished coroutine's does in
    // Python: what its parameters and locals held (a StreamWriter, ...) is let go now, not
    // when the last reference to the task goes (which may be held by one of those).
    std::optional<Stored<T>> value;
    std::exception_ptr error;
    try {
      if constexpr (std::is_void_v<T>) {
        body_.handle().promise().take();
        value.emplace();
      } else {
        value.emplace(body_.handle().promise().take());
      }
    } catch (...) {
      error = std::current_exception();
    }
    body_ = Task<T>();  // destroys the frame, suspended at its final suspend point
    // A body that returned normally while a cancel was pending still ends cancelled, as in
    // asyncio (Task.__step checks _must_cancel at StopIteration); an exception wins over it.
    try {
      if (error) std::rethrow_exception(error);
      if (consume_must_cancel()) {
        this->finish(FutureBase::State::cancelled);
      } else if constexpr (std::is_void_v<T>) {
        this->set_result();
      } else {
        this->set_result(std::move(*value));
      }
    } catch (const CancelledError&) {
      this->finish(FutureBase::State::cancelled);
    } catch (...) {
      this->set_exception(std::current_exception());
    }
  }

  void destroy_coroutine() noexcept override { body_ = Task<T>(); }

 private:
  Task<T> body_;
};

}  // namespace detail

/// Schedules `body` to run concurrently on `loop` (asyncio's create_task) and returns the
/// task as a future: await it for the result, cancel() it to throw CancelledError at its
/// current suspension point. The body starts on a later loop iteration. A task cancelled
/// before it starts never runs. A move-only result is taken once (see Future<T>).
template <class T>
Future<T> create_task(Loop& loop, Task<T> body) {
  auto state = std::make_shared<detail::TaskState<T>>(loop, std::move(body));
  loop.call_soon([state] { state->start(); });
  return Future<T>(std::static_pointer_cast<detail::FutureState<T>>(state));
}

/// create_task() on the thread's running loop.
template <class T>
Future<T> create_task(Task<T> body) {
  return create_task(get_running_loop(), std::move(body));
}

}  // namespace aiostreams
