// Cancelled timers behind a long one: the loop keeps O(live) timers, as CPython does
// (base_events.py compacts its heap when cancelled timers are more than half of it).
#include <catch2/catch.hpp>
#include <cstddef>
#include <vector>

#include "aiostreams/asio_loop.hpp"
#include "aiostreams/sim/sim_loop.hpp"

namespace {
constexpr int requests = 20000;
// CPython's thresholds: compaction starts above 100 timers, at half cancelled.
constexpr std::size_t bound_for(std::size_t live) { return 2 * live + 101; }

// One idle connection's long wait_for, then per request a timer that is cancelled when
// the request completes (wait_for(readline(), 3600) answered at once).
template <class L>
void cancelled_timers_behind_a_long_one(L& loop) {
  auto long_timer = loop.call_later(3600, [] {});
  std::size_t peak = 0;
  for (int i = 0; i < requests; ++i) {
    auto handle = loop.call_later(3600, [] {});
    handle.cancel();
    loop.run_until_idle();  // one loop iteration per request
    peak = std::max(peak, loop.scheduled_timer_count());
  }
  CHECK(peak <= bound_for(1));
  CHECK_FALSE(long_timer.cancelled());
}

// Timers that stay live are all kept, whatever is cancelled around them.
template <class L>
void live_timers_are_kept(L& loop) {
  std::vector<aiostreams::TimerHandle> live;
  for (int i = 0; i < 1000; ++i) {
    live.push_back(loop.call_later(3600 + i, [] {}));
    for (int j = 0; j < 3; ++j) loop.call_later(3600, [] {}).cancel();
    loop.run_until_idle();
  }
  CHECK(loop.scheduled_timer_count() >= live.size());
  CHECK(loop.scheduled_timer_count() <= bound_for(live.size()));
}
}  // namespace

TEST_CASE("an AsioLoop keeps only O(live) timers however many are cancelled behind a long one") {
  aiostreams::AsioLoop loop;
  cancelled_timers_behind_a_long_one(loop);
}

TEST_CASE("a SimLoop keeps only O(live) timers however many are cancelled behind a long one") {
  aiostreams::sim::SimLoop loop(1);
  cancelled_timers_behind_a_long_one(loop);
}

TEST_CASE("an AsioLoop keeps every live timer while it drops cancelled ones") {
  aiostreams::AsioLoop loop;
  live_timers_are_kept(loop);
}

TEST_CASE("a SimLoop keeps every live timer while it drops cancelled ones") {
  aiostreams::sim::SimLoop loop(1);
  live_timers_are_kept(loop);
}
