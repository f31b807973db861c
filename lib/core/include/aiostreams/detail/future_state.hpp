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

/// Whether T can be the result of a Task<T> or Future<T>.
template <class T>
inline constexpr bool valid_result_v = std::is_void_v<T> ||
                                       (std::is_object_v<T> && !std::is_const_v<T> && !std::is_array_v<T> &&
                                        std::is_move_constructible_v<T> && std::is_destructible_v<T>);

/// One short message per way a result type can be wrong, instead of a page of std::variant
/// and std::optional errors: the storage below falls back to Unit for a bad T, so these
/// assertions are what the user reads. Instantiated by Promise<T> and FutureState<T>.
template <class T>
struct CheckResult {
  static_assert(
      !std::is_reference_v<T>,
      "aiostreams: Task<T>/Future<T> cannot hold a reference; return a value, a pointer or std::reference_wrapper");
  static_assert(!std::is_const_v<T>,
                "aiostreams: Task<T>/Future<T> needs a non-const T (a const result cannot be moved out)");
  static_assert(!std::is_array_v<T>, "aiostreams: Task<T>/Future<T> cannot hold a C array; use std::array");
  static_assert(std::is_reference_v<T> || std::is_void_v<T> || std::is_move_constructible_v<T>,
                "aiostreams: the result type T of Task<T>/Future<T> must be move-constructible");
  static constexpr bool ok = valid_result_v<T>;
};
/// What is stored for T: T itself, or Unit where CheckResult<T> has already complained.
template <class T>
using SafeStored = std::conditional_t<CheckResult<T>::ok, Stored<T>, Unit>;

/// Whether a T can really be copied. A container's copy constructor is declared whatever
/// its elements are (std::vector<std::unique_ptr<X>> claims to be copy-constructible), so a
/// type with a value_type is judged by its elements too.
template <class T>
constexpr bool copyable_result() {
  if constexpr (!std::is_copy_constructible_v<T>) {
    return false;
  } else if constexpr (requires { typename T::value_type; }) {
    using Element = std::remove_const_t<typename T::value_type>;
    if constexpr (std::is_same_v<Element, T> || !std::is_object_v<Element>) {
      return true;
    } else {
      return copyable_result<Element>();
    }
  } else {
    return true;
  }
}

/// A result that cannot be copied is handed out once, by move (see Future<T>).
template <class T>
inline constexpr bool move_only_result_v = !std::is_void_v<T> && !copyable_result<T>();

/// The message of the InvalidStateError for a move-only result that was already moved out.
inline constexpr const char* result_taken_message =
    "Result was already taken: a move-only result is moved out once (by co_await, wait_for, gather or "
    "run_until_complete).";

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
    auto owned = std::make_unique<std::string>(std::move(label));
    drop_label();
    label_.owned = owned.release();
    label_owned_ = true;
  }
  /// The same for a string literal: no allocation (for labels set on hot paths).
  void set_static_label(const char* label) noexcept {
    drop_label();
    label_.literal = label;
  }
  std::string_view label() const noexcept {
    if (label_owned_) return *label_.owned;
    return label_.literal != nullptr ? std::string_view(label_.literal) : std::string_view();
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
  bool label_owned_ = false;
  std::exception_ptr error_;
  // The callbacks in the order they were added: nearly every future has exactly one (the
  // task awaiting it), kept inline so that awaiting allocates no vector.
  CallbackId first_callback_id_ = 0;
  Callback first_callback_;
  std::vector<std::pair<CallbackId, Callback>> more_callbacks_;
  // A literal (set_static_label) or a string of ours (set_label, rare): one pointer, as
  // every task and every waiting read has a future.
  union Label {
    const char* literal = nullptr;
    std::string* owned;
  } label_;
  void drop_label() noexcept {
    if (label_owned_) delete label_.owned;
    label_owned_ = false;
    label_.literal = nullptr;
  }
};

template <class T>
class FutureState : public FutureBase {
 public:
  using FutureBase::FutureBase;

  template <class... Args>
  void set_result(Args&&... args) {
    check_settable();
    if constexpr (!std::is_void_v<T>) value_.emplace(std::forward<Args>(args)...);
    finish(State::finished);
  }

  /// The result: a reference to the stored value (throws as rethrow_if_failed(), and
  /// InvalidStateError if take_result() moved it out).
  SafeStored<T>& result() {
    rethrow_if_failed();
    if constexpr (std::is_void_v<T>) {
      return value_;
    } else {
      if (!value_) throw InvalidStateError(result_taken_message);
      return *value_;
    }
  }

  /// Moves the result out (throws as result()); afterwards result() and take_result()
  /// throw InvalidStateError. For the one consumer of a move-only result, or for a
  /// consumer that holds the only reference to this state.
  SafeStored<T> take_result() {
    SafeStored<T> out = std::move(result());
    if constexpr (!std::is_void_v<T>) value_.reset();
    return out;
  }

 private:
  // A Future<void> stores nothing: finished without an error is its result.
  [[no_unique_address]] std::conditional_t<std::is_void_v<T>, Unit, std::optional<SafeStored<T>>> value_;
};

/// The result for one consumer holding `state`: moved out if T is move-only (once; see
/// Future<T>) or if no one else holds the state (so no one can tell); otherwise copied,
/// as a Python future's result may be read any number of times.
template <class T>
SafeStored<T> consume_result(const std::shared_ptr<FutureState<T>>& state) {
  if constexpr (move_only_result_v<T>) {
    return state->take_result();
  } else {
    if (state.use_count() == 1) return state->take_result();
    return state->result();
  }
}

}  // namespace aiostreams::detail
