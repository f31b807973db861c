// Code-level fault points (FoundationDB's BUGGIFY). Write
//   if (AIOSTREAMS_BUGGIFY) { /* take the rare path: a short read, a delay, an error */ }
// On a running SimLoop each call site (file:line) is activated once per run with
// probability 25% and then fires 25% of the time; the draws come from the loop's own
// "buggify" stream, so adding a site never shifts the simulation's other draws. On any
// other loop, or with no loop running, it is always false.
#pragma once

namespace aiostreams::sim {

/// Whether the fault point at file:line fires now (see above). Never throws.
bool buggify(const char* file, int line) noexcept;

}  // namespace aiostreams::sim

#define AIOSTREAMS_BUGGIFY (::aiostreams::sim::buggify(__FILE__, __LINE__))
