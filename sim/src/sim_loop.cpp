#include "aiostreams/sim/sim_loop.hpp"

#include <cmath>

namespace aiostreams::sim {

SimLoop::SimLoop(std::uint64_t seed) : rng_(seed) {}

SimLoop::~SimLoop() {
  close_pending_tasks();
  // Destroying coroutines may schedule callbacks; they hold references that must go now.
  ready_.clear();
  while (!timers_.empty()) timers_.pop();
}

void SimLoop::call_soon(Callback cb) { ready_.push_back(std::move(cb)); }

TimerHandle SimLoop::call_at(double when, Callback cb) {
  return call_at_ns(static_cast<std::int64_t>(std::llround(when * 1e9)), std::move(cb));
}

TimerHandle SimLoop::call_at_ns(std::int64_t when_ns, Callback cb) {
  auto state = std::make_shared<detail::TimerState>();
  state->callback = std::move(cb);
  timers_.push(Timer{when_ns, timer_sequence_++, state});
  return TimerHandle(std::move(state));
}

void SimLoop::drop_cancelled_timers() {
  while (!timers_.empty() && timers_.top().state->cancelled) timers_.pop();
}

void SimLoop::move_due_timers() {
  drop_cancelled_timers();
  while (!timers_.empty() && timers_.top().when_ns <= now_ns_) {
    auto state = timers_.top().state;
    timers_.pop();
    if (!state->cancelled) {
      ready_.push_back([state] {
        if (!state->cancelled) {
          state->cancelled = true;  // a fired timer cannot be cancelled any more
          auto callback = std::move(state->callback);
          callback();
        }
      });
    }
    drop_cancelled_timers();
  }
}

bool SimLoop::run_once() {
  if (ready_.empty()) {
    drop_cancelled_timers();
    if (timers_.empty()) return false;
    if (timers_.top().when_ns > now_ns_) now_ns_ = timers_.top().when_ns;
  }
  move_due_timers();
  RunningScope scope(*this);
  for (std::size_t todo = ready_.size(); todo > 0 && !ready_.empty(); --todo) {
    Callback cb = std::move(ready_.front());
    ready_.pop_front();
    ++events_run_;
    run_callback(cb);
  }
  return true;
}

std::size_t SimLoop::run_until_idle() {
  const std::uint64_t before = events_run_;
  for (;;) {
    move_due_timers();
    if (ready_.empty()) break;
    run_once();
  }
  return static_cast<std::size_t>(events_run_ - before);
}

void SimLoop::run_forever() {
  stopping_ = false;
  while (!stopping_) {
    if (!run_once()) {
      throw DeadlockError("deadlock: nothing is ready, no timer is pending, and " +
                          std::to_string(pending_task_count()) + " task(s) are still waiting");
    }
  }
  stopping_ = false;
}

}  // namespace aiostreams::sim
