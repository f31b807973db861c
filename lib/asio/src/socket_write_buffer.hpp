// The unsent bytes of a socket transport: chunks in order, sent from the front. Empty, it
// owns no memory at all (a std::deque allocates 576 bytes up front, on every connection).
#pragma once

#include <array>
#include <asio/buffer.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aiostreams::detail {

class SocketWriteBuffer {
 public:
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  void append(std::string_view data) {
    // Small writes join the last chunk; large ones get their own (sent without copying twice).
    if (chunks_.size() - first_ > 1 && chunks_.back().size() < 4096) {
      chunks_.back().append(data);
    } else {
      chunks_.emplace_back(data);
    }
    size_ += data.size();
  }

  /// Drops the first `sent` bytes (sent <= size()).
  void consume(std::size_t sent) {
    size_ -= sent;
    if (size_ == 0) {
      clear();
      return;
    }
    while (sent > 0) {
      const std::size_t left = chunks_[first_].size() - head_;
      if (sent < left) {
        head_ += sent;
        return;
      }
      sent -= left;
      chunks_[first_].clear();
      chunks_[first_].shrink_to_fit();
      ++first_;
      head_ = 0;
    }
    if (first_ * 2 >= chunks_.size()) {  // compact once the sent prefix is half the vector
      chunks_.erase(chunks_.begin(), chunks_.begin() + static_cast<std::ptrdiff_t>(first_));
      first_ = 0;
    }
  }

  /// Forgets everything and gives the memory back.
  void clear() noexcept {
    std::vector<std::string>().swap(chunks_);
    first_ = 0;
    head_ = 0;
    size_ = 0;
  }

  /// The unsent bytes as up to N buffers for one sendmsg(); returns how many.
  template <std::size_t N>
  std::size_t gather(std::array<asio::const_buffer, N>& parts) const noexcept {
    std::size_t count = 0;
    for (std::size_t i = first_; i < chunks_.size() && count < N; ++i, ++count) {
      const std::size_t skip = i == first_ ? head_ : 0;
      parts[count] = asio::buffer(chunks_[i].data() + skip, chunks_[i].size() - skip);
    }
    return count;
  }

 private:
  std::vector<std::string> chunks_;  // unsent from chunks_[first_], at offset head_
  std::size_t first_ = 0;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace aiostreams::detail
