#include "aiostreams/detail/future_state.hpp"

#include <algorithm>

namespace aiostreams::detail {

FutureBase::~FutureBase() {
  drop_label();
  if (error_ && !retrieved_) {
    loop_->call_exception_handler(
        {std::string(is_task_ ? "Task" : "Future") + " exception was never retrieved", error_});
  }
}

bool FutureBase::cancel() {
  if (done()) return false;
  finish(State::cancelled);
  return true;
}

void FutureBase::check_settable() const {
  if (done()) throw InvalidStateError("invalid state: the future is already done");
}

void FutureBase::set_exception(std::exception_ptr error) {
  check_settable();
  error_ = std::move(error);
  finish(State::finished);
}

std::exception_ptr FutureBase::exception() {
  if (state_ == State::pending) throw InvalidStateError("Exception is not set.");
  if (state_ == State::cancelled) throw CancelledError();
  retrieved_ = true;
  return error_;
}

void FutureBase::rethrow_if_failed() {
  if (state_ == State::pending) throw InvalidStateError("Result is not set.");
  if (state_ == State::cancelled) throw CancelledError();
  if (error_) {
    retrieved_ = true;
    std::rethrow_exception(error_);
  }
}

FutureBase::CallbackId FutureBase::add_done_callback(Callback cb) {
  // Ids are unique per thread rather than per future: one counter, not one per future.
  thread_local CallbackId next_callback_id = 0;
  const CallbackId id = next_callback_id++;
  if (done()) {
    loop_->call_soon(std::move(cb));
  } else if (!has_first_callback_ && more_callbacks_.empty()) {
    first_callback_id_ = id;
    first_callback_ = std::move(cb);
    has_first_callback_ = true;
  } else {
    more_callbacks_.emplace_back(id, std::move(cb));
  }
  return id;
}

bool FutureBase::remove_done_callback(CallbackId id) {
  if (has_first_callback_ && first_callback_id_ == id) {
    first_callback_ = nullptr;
    has_first_callback_ = false;
    return true;
  }
  auto it = std::find_if(more_callbacks_.begin(), more_callbacks_.end(),
                         [id](const auto& entry) { return entry.first == id; });
  if (it == more_callbacks_.end()) return false;
  more_callbacks_.erase(it);
  return true;
}

void FutureBase::finish(State state) {
  state_ = state;
  if (has_first_callback_) {
    has_first_callback_ = false;
    Callback first = std::move(first_callback_);
    first_callback_ = nullptr;
    loop_->call_soon(std::move(first));
  }
  if (more_callbacks_.empty()) return;
  auto callbacks = std::move(more_callbacks_);
  more_callbacks_.clear();
  for (auto& entry : callbacks) loop_->call_soon(std::move(entry.second));
}

}  // namespace aiostreams::detail
