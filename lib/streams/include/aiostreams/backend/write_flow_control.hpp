// asyncio's _FlowControlMixin for transports: the write-buffer water marks and the calls
// to the protocol's pause_writing()/resume_writing(). Shared by every backend's transport so
// that they all pause and resume at exactly the same sizes.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>

#include "aiostreams/loop.hpp"
#include "aiostreams/protocol.hpp"
#include "aiostreams/transport.hpp"

namespace aiostreams::detail {

class WriteFlowControl {
 public:
  WriteFlowControl() { set_limits(std::nullopt, std::nullopt); }

  void set_limits(std::optional<std::size_t> high, std::optional<std::size_t> low) {
    auto [h, l] = resolve_write_buffer_limits(high, low);
    high_ = h;
    low_ = l;
  }
  std::pair<std::size_t, std::size_t> limits() const noexcept { return {low_, high_}; }
  bool protocol_paused() const noexcept { return paused_; }

  /// After the buffer grew: pause_writing() once it is above the high-water mark.
  /// An exception from the protocol goes to the loop's exception handler.
  void maybe_pause(Loop& loop, Protocol* protocol, std::size_t buffer_size) noexcept {
    if (buffer_size <= high_ || paused_) return;
    paused_ = true;
    call(loop, protocol, &Protocol::pause_writing, "protocol.pause_writing() failed");
  }
  /// After the buffer shrank: resume_writing() once it is at or below the low-water mark.
  void maybe_resume(Loop& loop, Protocol* protocol, std::size_t buffer_size) noexcept {
    if (!paused_ || buffer_size > low_) return;
    paused_ = false;
    call(loop, protocol, &Protocol::resume_writing, "protocol.resume_writing() failed");
  }

 private:
  static void call(Loop& loop, Protocol* protocol, void (Protocol::*method)(), const char* message) noexcept {
    if (protocol == nullptr) return;
    try {
      (protocol->*method)();
    } catch (...) {
      loop.call_exception_handler({message, std::current_exception()});
    }
  }

  std::size_t high_ = 0;
  std::size_t low_ = 0;
  bool paused_ = false;
};

}  // namespace aiostreams::detail
