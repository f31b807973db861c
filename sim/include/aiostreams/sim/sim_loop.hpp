// SimLoop: the deterministic event loop. Virtual time in integer nanoseconds that jumps to
// the next timer when nothing is ready; FIFO ready queue; timers ordered by (time,
// sequence number); one seeded PRNG. It never reads the wall clock.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "aiostreams/errors.hpp"
#include "aiostreams/loop.hpp"
#include "aiostreams/sim/prng.hpp"

namespace aiostreams::sim {

/// Thrown by SimLoop when nothing can run, no timer is pending, and the awaited work is
/// not done: on a real loop this program would hang forever.
class DeadlockError : public RuntimeError {
 public:
  using RuntimeError::RuntimeError;
};

class SimLoop final : public Loop {
 public:
  explicit SimLoop(std::uint64_t seed = 0);
  ~SimLoop() override;

  void call_soon(Callback cb) override;
  TimerHandle call_at(double when, Callback cb) override;
  /// call_at in virtual nanoseconds.
  TimerHandle call_at_ns(std::int64_t when_ns, Callback cb);
  double time() const override { return static_cast<double>(now_ns_) / 1e9; }
  std::int64_t now_ns() const noexcept { return now_ns_; }

  /// Runs until stop(). Throws DeadlockError if nothing can ever run again.
  void run_forever() override;
  void stop() override { stopping_ = true; }

  /// Runs ready callbacks, and timers due at the current time, until none are left.
  /// Does not advance virtual time. Returns how many callbacks ran.
  std::size_t run_until_idle();

  /// Runs one asyncio-style iteration: if nothing is ready, jump to the next timer; move
  /// the due timers to the ready queue; run the callbacks that were ready at the start.
  /// Returns false if there was nothing at all to do.
  bool run_once();

  /// The simulation's generator (draws are part of the run's determinism).
  Prng& rng() noexcept { return rng_; }
  std::uint64_t seed() const noexcept { return rng_.seed(); }
  /// How many callbacks ran so far (the simulator's "events").
  std::uint64_t events_run() const noexcept { return events_run_; }

 private:
  struct Timer {
    std::int64_t when_ns;
    std::uint64_t sequence;
    std::shared_ptr<detail::TimerState> state;
    bool operator>(const Timer& other) const noexcept {
      return when_ns != other.when_ns ? when_ns > other.when_ns : sequence > other.sequence;
    }
  };

  void drop_cancelled_timers();
  void move_due_timers();

  std::int64_t now_ns_ = 0;
  std::uint64_t timer_sequence_ = 0;
  std::uint64_t events_run_ = 0;
  bool stopping_ = false;
  std::deque<Callback> ready_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  Prng rng_;
};

}  // namespace aiostreams::sim
