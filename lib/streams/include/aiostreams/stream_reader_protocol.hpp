// StreamReaderProtocol: asyncio's adapter between a transport and a StreamReader, plus the
// write-side flow control (FlowControlMixin) that StreamWriter.drain() waits on.
#pragma once

#include <functional>
#include <memory>
#include <variant>
#include <vector>

#include "aiostreams/future.hpp"
#include "aiostreams/protocol.hpp"
#include "aiostreams/stream_reader.hpp"
#include "aiostreams/task.hpp"
#include "aiostreams/transport.hpp"

namespace aiostreams {

class StreamWriter;

/// start_server's client_connected_cb, as a coroutine function ...
using ClientConnectedCoroutine =
    std::function<Task<void>(std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter>)>;
/// ... or as a plain function.
using ClientConnectedFunction = std::function<void(std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter>)>;
using ClientConnectedCallback = std::variant<std::monostate, ClientConnectedCoroutine, ClientConnectedFunction>;

class StreamReaderProtocol final : public Protocol, public std::enable_shared_from_this<StreamReaderProtocol> {
 public:
  /// Holds the reader weakly (as CPython 3.8+), strongly only until the connection is made
  /// when there is a callback. The callback is shared so that a handler coroutine (whose
  /// frame refers to the callable) can never outlive it.
  StreamReaderProtocol(Loop& loop, std::shared_ptr<StreamReader> reader,
                       std::shared_ptr<const ClientConnectedCallback> callback = nullptr);
  ~StreamReaderProtocol() override;

  void connection_made(std::shared_ptr<Transport> transport) override;
  /// nullptr: the reader gets EOF; an error: the reader gets the error instead (and reads
  /// raise it even with data buffered). Completes the close waiter; wakes paused drains.
  void connection_lost(std::exception_ptr error) override;
  void data_received(std::string data) override;
  /// Feeds EOF to the reader and keeps the transport open (half-close), except over TLS.
  bool eof_received() override;
  void pause_writing() override;
  void resume_writing() override;

  /// FlowControlMixin._drain_helper's checks without waiting: throws ConnectionResetError
  /// ("Connection lost") after the connection was lost; returns true if writing is paused
  /// (the caller must wait in drain_wait()).
  bool drain_must_wait() const;
  /// Waits until writing resumes or the connection is lost.
  Task<void> drain_wait();
  /// The future wait_closed() awaits: done when the connection is lost.
  Future<void> close_waiter() const;
  bool has_client_callback() const noexcept { return callback_ != nullptr; }
  Loop& loop() const noexcept { return *loop_; }

 private:
  void start_client_callback(const std::shared_ptr<Transport>& transport);
  void complete_close_waiter() const;

  Loop* loop_;
  std::weak_ptr<StreamReader> reader_;
  std::shared_ptr<StreamReader> strong_reader_;  // until connection_made, with a callback
  std::shared_ptr<const ClientConnectedCallback> callback_;
  std::shared_ptr<Transport> transport_;
  bool over_ssl_ = false;
  // FlowControlMixin
  bool paused_ = false;
  bool connection_lost_ = false;
  mutable std::shared_ptr<detail::FutureState<void>> closed_;  // made by close_waiter()
  std::exception_ptr lost_error_;                              // what connection_lost() got
  std::shared_ptr<detail::FutureState<void>> handler_task_;    // CPython's _task
  std::vector<Future<void>> drain_waiters_;
};

}  // namespace aiostreams
