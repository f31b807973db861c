// The reader's buffer: bytes appended at the back, consumed from the front in O(1)
// (a moving head, compacted on append once the dead prefix is at least half the storage).
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace aiostreams::detail {

class ByteBuffer {
 public:
  std::size_t size() const noexcept { return storage_.size() - head_; }
  bool empty() const noexcept { return size() == 0; }
  const char* data() const noexcept { return storage_.data() + head_; }
  std::string_view view() const noexcept { return {data(), size()}; }

  void append(std::string_view bytes) {
    if (head_ != 0 && head_ >= storage_.size() / 2) {
      storage_.erase(0, head_);
      head_ = 0;
    }
    storage_.append(bytes);
  }

  /// Appends, adopting `bytes`' storage instead of copying when the buffer is empty.
  void append_owned(std::string&& bytes) {
    if (empty()) {
      storage_ = std::move(bytes);
      head_ = 0;
    } else {
      append(std::string_view(bytes));
    }
  }

  /// Removes and returns the first n bytes (n <= size()). Taking everything from an
  /// uncompacted buffer hands over the storage instead of copying it.
  std::string take(std::size_t n) {
    if (head_ == 0 && n == storage_.size()) return take_all();
    std::string out(data(), n);
    drop(n);
    return out;
  }

  /// Removes the first n bytes (n <= size()).
  void drop(std::size_t n) noexcept {
    head_ += n;
    if (head_ == storage_.size()) clear();
  }

  /// Removes and returns everything.
  std::string take_all() {
    std::string out = head_ == 0 ? std::move(storage_) : std::string(view());
    clear();
    return out;
  }

  void clear() noexcept {
    storage_.clear();
    head_ = 0;
  }

  /// Index of the first occurrence of `needle` at or after `from`, or npos.
  /// Short needles (the usual "\n", "\r\n") use memchr on the first byte and compare the
  /// rest: linear, since the needle length is bounded. Longer ones use memmem (two-way).
  std::size_t find(std::string_view needle, std::size_t from) const noexcept {
    const std::size_t length = size();
    if (from > length || needle.size() > length - from) return npos;
    const char* const begin = data();
    if (needle.size() > short_needle) {
      const void* hit = ::memmem(begin + from, length - from, needle.data(), needle.size());
      return hit == nullptr ? npos : static_cast<std::size_t>(static_cast<const char*>(hit) - begin);
    }
    const char* cursor = begin + from;
    const char* const last_start = begin + (length - needle.size());
    while (cursor <= last_start) {
      const void* hit = std::memchr(cursor, needle[0], static_cast<std::size_t>(last_start - cursor) + 1);
      if (hit == nullptr) return npos;
      const char* candidate = static_cast<const char*>(hit);
      if (std::memcmp(candidate + 1, needle.data() + 1, needle.size() - 1) == 0) {
        return static_cast<std::size_t>(candidate - begin);
      }
      cursor = candidate + 1;
    }
    return npos;
  }

  static constexpr std::size_t npos = std::string_view::npos;
  static constexpr std::size_t short_needle = 4;

 private:
  std::string storage_;
  std::size_t head_ = 0;
};

}  // namespace aiostreams::detail
