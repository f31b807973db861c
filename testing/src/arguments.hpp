// Parsing of the runner's option values, with one-line messages that name the option.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace aiostreams::testing::detail {

/// A bad command line: what() is the one line to print; the exit code is 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A non-negative decimal integer (no sign, no spaces). Throws UsageError naming `option`.
std::uint64_t parse_uint(const std::string& text, const std::string& option);
/// parse_uint, then checks min <= value <= max.
std::uint64_t parse_count(const std::string& text, const std::string& option, std::uint64_t min, std::uint64_t max);
/// "A..B" with A <= B.
struct SeedRange {
  std::uint64_t first = 0, last = 0;
};
SeedRange parse_range(const std::string& text, const std::string& option);
/// A decimal fraction in [0, 1] ("0.1", "1", ".5").
double parse_fraction(const std::string& text, const std::string& option);

}  // namespace aiostreams::testing::detail
