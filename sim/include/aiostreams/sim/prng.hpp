// The simulator's random numbers: our own generator (xoshiro256**, seeded by splitmix64)
// and our own distributions, because the standard library's distributions differ between
// implementations and a seed must replay the same everywhere.
#pragma once

#include <cstdint>
#include <string_view>

namespace aiostreams::sim {

class Prng {
 public:
  explicit Prng(std::uint64_t seed = 0) noexcept;

  /// The next raw 64 random bits.
  std::uint64_t next_u64() noexcept;
  /// Uniform in [0, bound); bound 0 gives 0. Unbiased (Lemire's method with rejection).
  std::uint64_t below(std::uint64_t bound) noexcept;
  /// Uniform in [low, high] (inclusive); low > high gives low.
  std::int64_t uniform_int(std::int64_t low, std::int64_t high) noexcept;
  /// Uniform in [0, 1) with 53 bits of precision.
  double uniform_real() noexcept;
  /// True with probability p (p <= 0 never, p >= 1 always).
  bool chance(double p) noexcept;
  /// Exponentially distributed with the given mean (mean <= 0 gives 0).
  double exponential(double mean) noexcept;

  /// An independent generator for a named purpose (e.g. "swarm", "latency"), derived from
  /// this generator's seed only, so adding a stream never shifts the draws of another.
  Prng fork(std::string_view stream) const noexcept;

  std::uint64_t seed() const noexcept { return seed_; }

  /// An observer of every raw draw (the simulator feeds them into its run digest).
  /// A forked generator starts without one.
  using Tap = void (*)(void* context, std::uint64_t value) noexcept;
  void set_tap(Tap tap, void* context) noexcept {
    tap_ = tap;
    tap_context_ = context;
  }

 private:
  std::uint64_t seed_;
  std::uint64_t s_[4];
  Tap tap_ = nullptr;
  void* tap_context_ = nullptr;
};

}  // namespace aiostreams::sim
