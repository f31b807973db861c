#include "aiostreams/sim/sim_loop.hpp"

#include <cmath>

#include "aiostreams/server.hpp"
#include "aiostreams/sim/network.hpp"

namespace aiostreams::sim {

SimLoop::SimLoop(std::uint64_t seed)
    : rng_(seed), buggify_rng_(rng_.fork("buggify")), network_(std::make_unique<Network>(*this)) {
  rng_.set_tap(&SimLoop::rng_tap, this);
  buggify_rng_.set_tap(&SimLoop::rng_tap, this);
}

SimLoop::~SimLoop() {
  mark_closed();  // objects that outlive the loop must not schedule on it any more
  close_pending_tasks();
  // Destroying coroutines may schedule callbacks; they hold references that must go now.
  ready_.clear();
  timers_.clear();
  network_.reset();
  ready_.clear();
  timers_.clear();
}

void SimLoop::rng_tap(void* self, std::uint64_t value) noexcept {
  auto* loop = static_cast<SimLoop*>(self);
  try {
    loop->record("draw", value);
  } catch (...) {
    // only a failing trace allocation can throw; the digest is already updated
  }
}

void SimLoop::record(const char* what, std::uint64_t a, std::uint64_t b) {
  mix_event(what, a, b);
  if (trace_on_) push_trace(std::string(what) + ' ' + std::to_string(a) + ' ' + std::to_string(b));
}

void SimLoop::mix_event(const char* what, std::uint64_t a, std::uint64_t b) noexcept {
  // The name is hashed by its first bytes (names are short literals).
  std::uint64_t name = 0;
  for (const char* c = what; *c != '\0'; ++c) name = name * 131 + static_cast<unsigned char>(*c);
  mix(name ^ (a * 0xff51afd7ed558ccdULL) ^ (b * 0xc4ceb9fe1a85ec53ULL) ^ static_cast<std::uint64_t>(now_ns_));
}

void SimLoop::push_trace(std::string text) { trace_.push_back(TraceEvent{recorded_ - 1, now_ns_, std::move(text)}); }

bool SimLoop::buggify_site(const char* file, int line) {
  if (!buggify_on_) return false;
  auto key = std::make_pair(std::string(file), line);
  auto found = buggify_sites_.find(key);
  if (found == buggify_sites_.end()) {
    const bool active = buggify_rng_.chance(0.25);
    found = buggify_sites_.emplace(std::move(key), active).first;
    record("buggify-site", static_cast<std::uint64_t>(line), active ? 1 : 0);
  }
  if (!found->second) return false;
  const bool fire = buggify_rng_.chance(0.25);
  if (fire) record("buggify-fire", static_cast<std::uint64_t>(line));
  return fire;
}

void SimLoop::call_soon(Callback cb) { ready_.push_back(std::move(cb)); }

TimerHandle SimLoop::call_at(double when, Callback cb) {
  return call_at_ns(static_cast<std::int64_t>(std::llround(when * 1e9)), std::move(cb));
}

TimerHandle SimLoop::call_at_ns(std::int64_t when_ns, Callback cb) {
  auto state = std::make_shared<detail::TimerState>();
  state->callback = std::move(cb);
  timers_.push(when_ns, state);
  return TimerHandle(std::move(state));
}

void SimLoop::drop_cancelled_timers() { timers_.drop_cancelled(); }

void SimLoop::move_due_timers() {
  drop_cancelled_timers();
  while (!timers_.empty() && timers_.top().when <= now_ns_) {
    auto state = timers_.pop();
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
    if (timers_.top().when > now_ns_) now_ns_ = timers_.top().when;
  }
  move_due_timers();
  RunningScope scope(*this);
  for (std::size_t todo = ready_.size(); todo > 0 && !ready_.empty(); --todo) {
    Callback cb = std::move(ready_.front());
    ready_.pop_front();
    ++events_run_;
    mix(static_cast<std::uint64_t>(now_ns_) ^ 0x5bd1e995ULL);
    if (trace_on_) trace_.push_back(TraceEvent{recorded_ - 1, now_ns_, "callback"});
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
      std::string message = "deadlock: nothing is ready, no timer is pending, and " +
                            std::to_string(pending_task_count()) + " task(s) are still waiting";
      for (const auto& line : describe_pending_tasks()) message += "\n  " + line;
      message += "\n  (seed " + std::to_string(seed()) + ", virtual time " + std::to_string(time()) + " s)";
      throw DeadlockError(message);
    }
  }
  stopping_ = false;
}

}  // namespace aiostreams::sim
