// Shared state behind Future<T> and the tasks made by create_task (a task is a future, as
// in asyncio). Single-threaded: only the owning loop's thread touches it.
#pragma once

#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "aiostreams/errors.hpp"
#include "aiostreams/loop.hpp"

namespace aiostreams::detail {

/// The value a Future<void> stores.
struct Unit {};
template <class T>
using Stored = std::conditional_t<std::is_void_v<T>, Unit, T>;

class FutureBase {
 public:
  enum class State : std::uint8_t { pending, finished, cancelled };
  using CallbackId = std::uint64_t;

  explicit FutureBase(Loop& loop) : loop_(&loop) {}
  FutureBase(const FutureBase&) = delete;
  FutureBase& operator=(const FutureBase&) = delete;
  /// Reports an exception that was set but never retrieved to the loop's handler.
  virtual ~FutureBase();

  Loop& loop() const noexcept { return *loop_; }
  bool done() const noexcept { return state_ != State::pending; }
  bool cancelled() const noexcept { return state_ == State::cancelled; }

  /// Cancels a pending future: it becomes cancelled and its callbacks are scheduled.
  /// Returns false if it was already done. A task overrides this to cancel its coroutine.
  virtual bool cancel();

  /// Finishes the future with an exception. Throws InvalidStateError if already done.
  void set_exception(std::exception_ptr error);

  /// The stored exception or nullptr. Throws CancelledError if cancelled and
  /// InvalidStateError if pending. Marks the exception as retrieved.
  std::exception_ptr exception();

  /// Throws what result() would throw: InvalidStateError if pending, CancelledError if
  /// cancelled, the stored exception if any. Marks an exception as retrieved.
  void rethrow_if_failed();

  /// Schedules cb through the loop (call_soon) when the future is done; at once (still via
  /// call_soon) if it is done already. Returns an id for remove_done_callback().
  CallbackId add_done_callback(Callback cb);
  /// Removes a callback that has not been scheduled yet. Returns whether it was found.
  bool remove_done_callback(CallbackId id);

  /// Used by the loop when destroying pending tasks: drops callbacks without running them.
  void drop_callbacks() noexcept {
    first_callback_ = nullptr;
    has_first_callback_ = false;
    more_callbacks_.clear();
  }

  /// What this future stands for, for deadlock reports ("StreamReader.readline() waiting
  /// for data"). Empty by default.
  void set_label(std::string label) {
    label_ = std::make_unique<std::string>(std::move(label));
    static_label_ = nullptr;
  }
  /// The same for a string literal: no allocation (for labels set on hot paths).
  void set_static_label(const char* label) noexcept { static_label_ = label; }
  std::string_view label() const noexcept {
    if (static_label_ != nullptr) return static_label_;
    return label_ ? std::string_view(*label_) : std::string_view();
  }

 protected:
  /// Moves to `state` and schedules every callback.
  void finish(State state);
  void check_settable() const;

  /// "Task exception was never retrieved" instead of "Future ...".
  void mark_as_task() noexcept { is_task_ = true; }

 private:
  // (Ordered to leave no padding: every task and every waiting read has one of these.)
  Loop* loop_;
  State state_ = State::pending;
  bool retrieved_ = false;
  bool has_first_callback_ = false;
  bool is_task_ = false;
  std::exception_ptr error_;
  CallbackId next_callback_id_ = 0;
  // The callbacks in the order they were added: nearly every future has exactly one (the
  // task awaiting it), kept inline so that awaiting allocates no vector.
  CallbackId first_callback_id_ = 0;
  Callback first_callback_;
  std::vector<std::pair<CallbackId, Callback>> more_callbacks_;
  const char* static_label_ = nullptr;
  std::unique_ptr<std::string> label_;  // set_label(): rare, so not inline
};

template <class T>
class FutureState : public FutureBase {
 public:
  using FutureBase::FutureBase;

  template <class... Args>
  void set_result(Args&&... args) {
    check_settable();
    value_.emplace(std::forward<Args>(args)...);
    finish(State::finished);
  }

  /// The result: a reference to the stored value (throws as rethrow_if_failed()).
  Stored<T>& result() {
    rethrow_if_failed();
    return *value_;
  }

 private:
  std::optional<Stored<T>> value_;
};

}  // namespace aiostreams::detail
