// Option values (see arguments.hpp).
#include "arguments.hpp"

#include <algorithm>
#include <cstdlib>

namespace aiostreams::testing::detail {

std::uint64_t parse_uint(const std::string& text, const std::string& option) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    throw UsageError(option + ": expected a non-negative integer, got '" + text + "'");
  }
  std::uint64_t value = 0;
  for (const char c : text) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) throw UsageError(option + ": '" + text + "' is too large");
    value = value * 10 + digit;
  }
  return value;
}

std::uint64_t parse_count(const std::string& text, const std::string& option, std::uint64_t min, std::uint64_t max) {
  const std::uint64_t value = parse_uint(text, option);
  if (value < min || value > max) {
    throw UsageError(option + ": expected an integer in " + std::to_string(min) + ".." + std::to_string(max) +
                     ", got " + text);
  }
  return value;
}

SeedRange parse_range(const std::string& text, const std::string& option) {
  const std::size_t dots = text.find("..");
  if (dots == std::string::npos)
    throw UsageError(option + ": expected a range A..B such as 1..1000, got '" + text + "'");
  SeedRange range{parse_uint(text.substr(0, dots), option), parse_uint(text.substr(dots + 2), option)};
  if (range.last < range.first) throw UsageError(option + ": the range A..B needs A <= B, got '" + text + "'");
  return range;
}

double parse_fraction(const std::string& text, const std::string& option) {
  const bool plain = !text.empty() && text != "." && std::count(text.begin(), text.end(), '.') <= 1 &&
                     text.find_first_not_of("0123456789.") == std::string::npos;
  const double value = plain ? std::strtod(text.c_str(), nullptr) : -1;
  if (!(value >= 0 && value <= 1)) {
    throw UsageError(option + ": expected a fraction in [0, 1] such as 0.1, got '" + text + "'");
  }
  return value;
}

}  // namespace aiostreams::testing::detail
