#include "aiostreams/transport.hpp"

#include "aiostreams/errors.hpp"

namespace aiostreams {

void Transport::writelines(std::span<const std::string_view> buffers) {
  // Joined, then one write: the kernel sees one send, as with CPython's sendmsg of the list.
  std::size_t total = 0;
  for (auto buffer : buffers) total += buffer.size();
  std::string joined;
  joined.reserve(total);
  for (auto buffer : buffers) joined.append(buffer);
  write(joined);
}

std::pair<std::size_t, std::size_t> resolve_write_buffer_limits(std::optional<std::size_t> high,
                                                                std::optional<std::size_t> low) {
  std::size_t resolved_high = high ? *high : (low ? 4 * *low : 64 * 1024);
  std::size_t resolved_low = low ? *low : resolved_high / 4;
  if (resolved_high < resolved_low) {
    throw ValueError("high (" + std::to_string(resolved_high) + ") must be >= low (" + std::to_string(resolved_low) +
                     ") must be >= 0");
  }
  return {resolved_high, resolved_low};
}

}  // namespace aiostreams
