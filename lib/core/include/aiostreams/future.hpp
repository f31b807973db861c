// Future<T>: asyncio.Future. A handle to shared state; copies refer to the same future.
#pragma once

#include <memory>

#include "aiostreams/detail/task_base.hpp"

namespace aiostreams {

namespace detail {
/// consume_result() for any T: for void, rethrows what the future failed with.
template <class T>
T consume_outcome(const std::shared_ptr<FutureState<T>>& state) {
  if constexpr (std::is_void_v<T>) {
    state->rethrow_if_failed();
  } else {
    return consume_result(state);
  }
}
}  // namespace detail

/// A result that will be set later, awaitable from any task on the same loop.
/// Copies share one state. Awaiting a done future does not suspend.
/// `co_await f` returns the result, or throws the stored exception, or CancelledError if
/// the future was cancelled.
///
/// Results, as in asyncio, may be read many times: result() returns a const reference,
/// and `co_await f` returns a copy, or a move where no one else can read the state (the
/// future was a temporary such as `co_await create_task(...)`, or `co_await std::move(f)`).
///
/// A move-only result (std::unique_ptr<Client>) is taken once: `co_await f`, wait_for(f),
/// gather(f, ...) and run_until_complete(loop, f) move it out of the shared state, and
/// then result() and every further take throw InvalidStateError ("Result was already
/// taken..."). Before that, result() gives a const reference to look at it. T must be a
/// move-constructible, non-const object type or void (a static_assert says which rule).
template <class T>
class Future {
 public:
  /// A pending future on the thread's running loop (RuntimeError if there is none).
  Future() : Future(get_running_loop()) {}
  explicit Future(Loop& loop) : state_(std::make_shared<detail::FutureState<T>>(loop)) {}
  explicit Future(std::shared_ptr<detail::FutureState<T>> state) : state_(std::move(state)) {}

  bool done() const noexcept { return state_->done(); }
  bool cancelled() const noexcept { return state_->cancelled(); }
  /// Cancels the future (for a task: cancels the task's coroutine, asyncio's Task.cancel()).
  /// Returns false if it was already done.
  bool cancel() { return state_->cancel(); }

  /// Sets the result. Throws InvalidStateError if the future is done.
  template <class... Args>
  void set_result(Args&&... args) {
    state_->set_result(std::forward<Args>(args)...);
  }
  /// Sets an exception. Throws InvalidStateError if the future is done.
  void set_exception(std::exception_ptr error) { state_->set_exception(std::move(error)); }
  template <class E>
  void set_exception(E error) {
    state_->set_exception(std::make_exception_ptr(std::move(error)));
  }

  /// The result of a done future; throws the stored exception, CancelledError, or
  /// InvalidStateError if still pending (or if a move-only result was taken).
  decltype(auto) result() const {
    if constexpr (std::is_void_v<T>) {
      state_->rethrow_if_failed();
    } else {
      return static_cast<const T&>(state_->result());
    }
  }
  /// The exception of a done future, or nullptr (CancelledError if cancelled).
  std::exception_ptr exception() const { return state_->exception(); }

  /// Runs cb (through the loop's ready queue) once the future is done.
  detail::FutureBase::CallbackId add_done_callback(Callback cb) const {
    return state_->add_done_callback(std::move(cb));
  }
  bool remove_done_callback(detail::FutureBase::CallbackId id) const { return state_->remove_done_callback(id); }

  Loop& loop() const noexcept { return state_->loop(); }
  /// Names the future in deadlock reports.
  void set_label(std::string label) const { state_->set_label(std::move(label)); }
  void set_static_label(const char* label) const noexcept { state_->set_static_label(label); }
  const std::shared_ptr<detail::FutureState<T>>& state() const noexcept { return state_; }

  /// Awaiting an lvalue copies the result (moves a move-only one, see above).
  auto operator co_await() const& noexcept { return Awaiter{state_}; }
  /// Awaiting a temporary: its reference goes to the awaiter, so the result is moved out
  /// if no other copy of this future exists. A moved-from Future may only be destroyed.
  auto operator co_await() && noexcept { return Awaiter{std::move(state_)}; }

 private:
  struct Awaiter : detail::FutureWait {
    std::shared_ptr<detail::FutureState<T>> state;
    explicit Awaiter(std::shared_ptr<detail::FutureState<T>> s) : detail::FutureWait(*s), state(std::move(s)) {}
    T await_resume() {
      detail::FutureWait::await_resume();
      return detail::consume_outcome(state);
    }
  };

  std::shared_ptr<detail::FutureState<T>> state_;
};

}  // namespace aiostreams
