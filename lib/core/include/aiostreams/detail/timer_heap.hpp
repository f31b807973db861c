// The timer heap both loops share: ordered by (when, sequence), and compacted as CPython's
// base_events.py compacts its own: once more than 100 timers are scheduled and more than
// half of them are cancelled, the heap is rebuilt without them. Otherwise cancelled timers
// are only dropped when they reach the top, and one long live timer would keep every later
// cancelled one in memory until its deadline.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "aiostreams/loop.hpp"

namespace aiostreams::detail {

template <class Time>
class TimerHeap {
 public:
  struct Entry {
    Time when;
    std::uint64_t sequence;
    std::shared_ptr<TimerState> state;
  };

  TimerHeap() = default;
  // Scheduled timers point at cancelled_: the heap never moves.
  TimerHeap(const TimerHeap&) = delete;
  TimerHeap& operator=(const TimerHeap&) = delete;
  ~TimerHeap() { clear(); }

  void push(Time when, std::shared_ptr<TimerState> state) {
    state->heap_cancelled_count = &cancelled_;
    heap_.push_back(Entry{when, next_sequence_++, std::move(state)});
    std::push_heap(heap_.begin(), heap_.end(), later);
  }

  bool empty() const noexcept { return heap_.empty(); }
  std::size_t size() const noexcept { return heap_.size(); }
  const Entry& top() const noexcept { return heap_.front(); }

  /// Removes the earliest timer and returns its state (no longer counted by the heap).
  std::shared_ptr<TimerState> pop() {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    auto state = std::move(heap_.back().state);
    heap_.pop_back();
    forget(*state);
    return state;
  }

  /// CPython's _run_once: rebuild without the cancelled timers when they are the
  /// majority of a large heap, else pop those at the top. The order of the live timers
  /// does not change: (when, sequence) is a total order.
  void drop_cancelled() {
    if (heap_.size() > min_scheduled && cancelled_ * 2 > heap_.size()) {
      std::erase_if(heap_, [this](Entry& entry) {
        if (!entry.state->cancelled) return false;
        forget(*entry.state);
        return true;
      });
      std::make_heap(heap_.begin(), heap_.end(), later);
    } else {
      while (!heap_.empty() && heap_.front().state->cancelled) pop();
    }
  }

  /// Drops every timer. Their callbacks are destroyed after the heap is empty, so one
  /// that schedules from its destructor finds a consistent heap.
  void clear() noexcept {
    auto entries = std::move(heap_);
    heap_.clear();
    cancelled_ = 0;
    for (auto& entry : entries) entry.state->heap_cancelled_count = nullptr;
  }

 private:
  static constexpr std::size_t min_scheduled = 100;  // CPython's _MIN_SCHEDULED_TIMER_HANDLES

  // std::*_heap keep the largest first: "later" puts the earliest timer at the front.
  static bool later(const Entry& a, const Entry& b) noexcept {
    return a.when != b.when ? a.when > b.when : a.sequence > b.sequence;
  }

  void forget(TimerState& state) noexcept {
    if (state.cancelled && state.heap_cancelled_count != nullptr) --cancelled_;
    state.heap_cancelled_count = nullptr;
  }

  std::vector<Entry> heap_;
  std::uint64_t next_sequence_ = 0;
  std::size_t cancelled_ = 0;  // cancelled timers still in heap_
};

}  // namespace aiostreams::detail
