// AsioLoop: the production event loop, on an asio::io_context (single-threaded, like
// asyncio's loop). No Asio type appears here.
#pragma once

#include <memory>

#include "aiostreams/loop.hpp"

namespace aiostreams {

class AsioLoop final : public Loop {
 public:
  AsioLoop();
  ~AsioLoop() override;

  void call_soon(Callback cb) override;
  /// call_soon from any thread; wakes the loop if it is waiting.
  void call_soon_threadsafe(Callback cb);
  TimerHandle call_at(double when, Callback cb) override;
  /// Monotonic seconds (std::chrono::steady_clock).
  double time() const override;
  void run_forever() override;
  void stop() override;

  /// The io_context behind the loop, for the backend's own transports (an opaque pointer
  /// to asio::io_context; only lib/src knows its type).
  void* native_context() noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aiostreams
