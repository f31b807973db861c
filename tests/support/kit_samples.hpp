// Sample simulation tests for the test kit's own tests, registered once (kit_samples.cpp)
// under names that start with "kit-".
//   kit-tiny        passes; sleeps 1 s of virtual time; sometimes("even seed"); counts 3
//   kit-planted     fails exactly the seeds with seed % 5 == 3 ("planted: seed % 5 == 3")
//   kit-exits       the process exits (status 7) on seed 2: only for --jobs > 1
//   kit-never       passes every seed, but sometimes("never happens") never holds
//   kit-throws      its body throws std::runtime_error("boom")
//   kit-deadlock    its body awaits a future nobody completes
//   kit-stuck       on_quiet never finishes (bound 5 s)
//   kit-quiet       on_quiet checks that the faults are off and finishes
//   kit-net         an echo over the simulated network, tolerant of faults
#pragma once

#include <cstdint>

namespace aiostreams::testing::samples {
/// The seeds kit-planted fails.
constexpr bool planted_fails(std::uint64_t seed) { return seed % 5 == 3; }
}  // namespace aiostreams::testing::samples
