#include "aiostreams/detail/byte_buffer.hpp"

#include <cstring>

namespace aiostreams::detail {

std::size_t ByteBuffer::find(std::string_view needle, std::size_t from) const noexcept {
  const std::size_t length = size();
  if (from > length || needle.size() > length - from) return npos;
  const char* start = data() + from;
  const void* hit = needle.size() == 1 ? std::memchr(start, needle[0], length - from)
                                       : ::memmem(start, length - from, needle.data(), needle.size());
  return hit == nullptr ? npos : static_cast<std::size_t>(static_cast<const char*>(hit) - data());
}

}  // namespace aiostreams::detail
