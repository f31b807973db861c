// The reader's buffer: bytes appended at the back, consumed from the front in O(1)
// (a moving head, compacted on append once the dead prefix is at least half the storage).
#pragma once

#include <cstddef>
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

  /// Removes and returns the first n bytes (n <= size()).
  std::string take(std::size_t n) {
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
  /// memchr for one byte, memmem otherwise.
  std::size_t find(std::string_view needle, std::size_t from) const noexcept;

  static constexpr std::size_t npos = std::string_view::npos;

 private:
  std::string storage_;
  std::size_t head_ = 0;
};

}  // namespace aiostreams::detail
