// Code-level fault points (FoundationDB's BUGGIFY), for library and user code alike. Write
//   if (AIOSTREAMS_BUGGIFY) { /* take the rare path: a short read, a delay, an error */ }
// The running loop decides (Loop::buggify_site). On a SimLoop each call site (file:line) is
// activated once per run with probability 25% and then fires 25% of the time, drawn from the
// loop's own "buggify" stream, so adding a site never shifts the simulation's other draws. On
// any other loop, or with no loop running, it is always false. Needs only aiostreams::core.
#pragma once

namespace aiostreams {

/// Whether the fault point at file:line fires now (see above). Never throws.
bool buggify(const char* file, int line) noexcept;

}  // namespace aiostreams

#define AIOSTREAMS_BUGGIFY (::aiostreams::buggify(__FILE__, __LINE__))
