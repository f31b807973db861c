// Reading an input file (a scenario, a trace) with its size capped while it is read: a
// huge file or an endless one (/dev/zero, a FIFO) costs at most cap + 1 bytes of memory.
#pragma once

#include <cstddef>
#include <string>

namespace aiostreams::conformance {

/// The whole of `path`, at most `cap` bytes. Throws ScenarioError (without the path: the
/// caller names the file) when it cannot be opened, is a directory, cannot be read, or is
/// larger than `cap` bytes ("the file is larger than the limit of N bytes").
std::string read_input_file(const std::string& path, std::size_t cap);

}  // namespace aiostreams::conformance
