#include "aiostreams/sim/prng.hpp"

#include <cmath>

namespace aiostreams::sim {

namespace {
__extension__ typedef unsigned __int128 Uint128;

std::uint64_t splitmix64(std::uint64_t& state) noexcept {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

// FNV-1a: a fixed, portable hash for stream names.
std::uint64_t fnv1a(std::string_view text) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}
}  // namespace

Prng::Prng(std::uint64_t seed) noexcept : seed_(seed) {
  std::uint64_t state = seed;
  for (auto& word : s_) word = splitmix64(state);
}

std::uint64_t Prng::next_u64() noexcept {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  if (tap_ != nullptr) tap_(tap_context_, result);
  return result;
}

std::uint64_t Prng::below(std::uint64_t bound) noexcept {
  if (bound == 0) return 0;
  Uint128 product = static_cast<Uint128>(next_u64()) * bound;
  auto low = static_cast<std::uint64_t>(product);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      product = static_cast<Uint128>(next_u64()) * bound;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

std::int64_t Prng::uniform_int(std::int64_t low, std::int64_t high) noexcept {
  if (low >= high) return low;
  const auto span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low);
  if (span == UINT64_MAX) return static_cast<std::int64_t>(next_u64());
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + below(span + 1));
}

double Prng::uniform_real() noexcept { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

bool Prng::chance(double p) noexcept {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return uniform_real() < p;
}

double Prng::exponential(double mean) noexcept {
  if (mean <= 0) return 0;
  return -mean * std::log1p(-uniform_real());
}

Prng Prng::fork(std::string_view stream) const noexcept {
  std::uint64_t mixed = seed_ ^ fnv1a(stream);
  return Prng(splitmix64(mixed));
}

}  // namespace aiostreams::sim
