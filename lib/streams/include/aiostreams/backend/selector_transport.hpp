// CPython's _SelectorSocketTransport (selector_events.py) without the socket: write
// buffering rules, water marks and pause/resume, lost-write warnings, fatal-error
// classification, close/abort/write_eof sequencing and writelines, written once. A backend
// derives from SelectorTransport and supplies only its I/O through the hooks below.
#pragma once

#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "aiostreams/backend/write_flow_control.hpp"
#include "aiostreams/loop.hpp"
#include "aiostreams/protocol.hpp"
#include "aiostreams/transport.hpp"

namespace aiostreams::detail {

/// asyncio's constants.LOG_THRESHOLD_FOR_CONNLOST_WRITES: from the 5th write to a lost
/// connection on, each write reports "socket.send() raised exception.".
inline constexpr std::size_t kLostWriteWarningThreshold = 5;

/// True when `error` is what CPython's _fatal_error treats as expected (an OSError, such as
/// a peer reset): not reported to the exception handler. In C++ that is the
/// std::system_error family, which OSError and its subclasses belong to.
bool is_expected_transport_error(const std::exception_ptr& error) noexcept;

/// The base of a selector-style socket transport. It owns asyncio's state machine; the
/// backend owns the socket, the write buffer and the reading machinery.
///
/// Objects are always owned by a std::shared_ptr (callbacks keep them alive).
class SelectorTransport : public Transport, public std::enable_shared_from_this<SelectorTransport> {
 public:
  /// `loop` may be nullptr (the backend has no loop any more; nothing is scheduled).
  SelectorTransport(Loop* loop, std::shared_ptr<Protocol> protocol) noexcept
      : loop_(loop), protocol_(std::move(protocol)) {}

  bool is_closing() const final { return closing_; }
  /// _SelectorTransport.close: stops reading; connection_lost(nullptr) follows once the
  /// buffer is empty (at once, through call_soon, if it is empty now).
  void close() final;
  void set_protocol(std::shared_ptr<Protocol> protocol) final { protocol_ = std::move(protocol); }
  std::shared_ptr<Protocol> get_protocol() const final { return protocol_; }
  /// No-ops when closing or already paused / not paused (asyncio 3.13).
  void pause_reading() final;
  void resume_reading() final;
  bool is_reading() const final { return !reading_paused_ && !closing_; }

  /// Throws RuntimeError after write_eof(); empty data does nothing; on a lost connection
  /// the data is dropped and counted (warning from the 5th). Otherwise the backend sends or
  /// buffers it and the protocol is paused above the high-water mark.
  void write(std::string_view data) final;
  /// write() of the buffers joined (the selector transport's writelines, 3.12+), with its
  /// own RuntimeError message.
  void writelines(std::span<const std::string_view> buffers) final;
  /// Half-close once the buffer is flushed; nothing when closing or already done.
  void write_eof() final;
  bool can_write_eof() const final { return true; }
  /// _force_close(None): drops the buffer; connection_lost(nullptr) follows.
  void abort() final { force_close(nullptr); }
  std::pair<std::size_t, std::size_t> get_write_buffer_limits() const final { return flow_.limits(); }
  /// Checks and sets the water marks (ValueError), then pauses the protocol if the buffer
  /// is already above the new high-water mark.
  void set_write_buffer_limits(std::optional<std::size_t> high = std::nullopt,
                               std::optional<std::size_t> low = std::nullopt) final;

 protected:
  ~SelectorTransport() override = default;

  // ---- the backend's I/O hooks --------------------------------------------------------

  /// Sends what it can of `data` now and buffers the rest (only called with non-empty data,
  /// on a connection not lost). Returns the write-buffer size afterwards. On a send error it
  /// calls fatal_error() or force_close() and returns 0.
  virtual std::size_t write_data(std::string_view data) = 0;
  /// Forgets the buffered bytes that were not handed to the kernel (abort, fatal errors).
  virtual void drop_write_buffer() noexcept = 0;
  /// Sends EOF (shutdown(SHUT_WR)) behind what the kernel already holds. Called once the
  /// buffer is empty after write_eof(); may be called again (then does nothing).
  virtual void shutdown_write() = 0;
  /// asyncio's _add_reader / _remove_reader: start or stop delivering data.
  virtual void add_reader() = 0;
  virtual void remove_reader() = 0;
  /// The `finally` of _call_connection_lost: close the socket and detach from the server.
  /// Runs even if the protocol's connection_lost() threw.
  virtual void close_socket() = 0;

  // ---- what the backend calls ---------------------------------------------------------

  /// Calls connection_made(this); from then on connection_lost() will be called too.
  void call_connection_made();
  /// Delivers bytes (never empty) to the protocol. Returns false if the protocol threw
  /// (the transport then failed with fatal_error).
  bool deliver_data(std::string data);
  /// The peer's EOF: eof_received(); stops reading if it returns true, else close().
  void deliver_eof();
  /// After the backend sent buffered bytes (_write_ready's tail): resumes the protocol at
  /// the low-water mark (it may write more), and once the buffer is empty finishes a pending
  /// close() or write_eof(). Returns true if the buffer is empty.
  bool buffered_data_sent(std::size_t buffer_size);
  /// _fatal_error: reports `error` with `message` unless it is expected (see
  /// is_expected_transport_error), then force_close(error).
  void fatal_error(std::exception_ptr error, const char* message);
  /// _force_close: drops the buffer, stops reading, schedules connection_lost(error).
  /// Does nothing once connection_lost is scheduled.
  void force_close(std::exception_ptr error);
  /// The loop is gone: nothing can be scheduled any more, and the connection counts as lost.
  void loop_gone() noexcept;

  Loop* loop_ptr() const noexcept { return loop_; }
  Protocol* protocol_ptr() const noexcept { return protocol_.get(); }
  bool closing() const noexcept { return closing_; }
  bool eof_written() const noexcept { return eof_; }
  bool reading_paused() const noexcept { return reading_paused_; }
  /// asyncio's _conn_lost != 0: connection_lost is scheduled or done.
  bool connection_lost_scheduled() const noexcept { return conn_lost_ != 0; }
  bool connection_lost_called() const noexcept { return lost_called_; }
  bool connection_made_called() const noexcept { return made_; }
  /// Drops the protocol and marks the connection lost without calling anyone (teardown).
  std::shared_ptr<Protocol> release_protocol() noexcept { return std::move(protocol_); }

 private:
  void count_lost_write() noexcept;
  void call_connection_lost(std::exception_ptr error);

  Loop* loop_;
  std::shared_ptr<Protocol> protocol_;
  WriteFlowControl flow_;
  std::size_t conn_lost_ = 0;  // asyncio's _conn_lost: connection_lost scheduled, then dropped writes
  bool closing_ = false;
  bool eof_ = false;             // write_eof() was called
  bool reading_paused_ = false;  // pause_reading()
  bool made_ = false;            // connection_made() ran
  bool lost_called_ = false;     // connection_lost() ran (or never will)
};

}  // namespace aiostreams::detail
