// StreamWriter: asyncio.StreamWriter.
#pragma once

#include <any>
#include <coroutine>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "aiostreams/stream_reader.hpp"
#include "aiostreams/stream_reader_protocol.hpp"
#include "aiostreams/task.hpp"
#include "aiostreams/transport.hpp"

namespace aiostreams {

class StreamWriter;
class SslContext;

/// The awaitable of StreamWriter::drain(). On a healthy transport that is not paused it
/// completes inside co_await without suspending or allocating.
class [[nodiscard]] DrainOperation {
 public:
  explicit DrainOperation(StreamWriter& writer) : writer_(&writer) {}
  bool await_ready();
  bool await_suspend(std::coroutine_handle<> awaiting);
  void await_resume();

 private:
  StreamWriter* writer_;
  Task<void> waiting_;
};

/// Writes to a connection. write() never blocks; drain() is where a writer waits for the
/// transport's buffer to go down (backpressure).
class StreamWriter : public std::enable_shared_from_this<StreamWriter> {
 public:
  StreamWriter(std::shared_ptr<Transport> transport, std::shared_ptr<StreamReaderProtocol> protocol,
               std::shared_ptr<StreamReader> reader);
  StreamWriter(const StreamWriter&) = delete;
  StreamWriter& operator=(const StreamWriter&) = delete;
  /// As CPython 3.13's __del__: a writer dropped while its transport is open closes it.
  ~StreamWriter();

  const std::shared_ptr<Transport>& transport() const noexcept { return transport_; }

  /// Queues bytes on the transport; never blocks. Throws RuntimeError after write_eof().
  void write(std::string_view data) { transport_->write(data); }
  void writelines(std::span<const std::string_view> buffers) { transport_->writelines(buffers); }
  /// Half-close: the peer reads EOF; we can still read. No-op once closing.
  void write_eof() { transport_->write_eof(); }
  bool can_write_eof() const { return transport_->can_write_eof(); }
  /// Closes the connection (after flushing). Idempotent; does not wait: see wait_closed().
  void close() { transport_->close(); }
  bool is_closing() const { return transport_->is_closing(); }
  /// Waits until the connection is lost. Throws the error the connection was lost with
  /// (e.g. ConnectionResetError), on every call. Waits forever if nobody closes it.
  /// Not safe to cancel, as in CPython: cancelling it cancels the one shared close future,
  /// and every later wait_closed() then throws CancelledError.
  Task<void> wait_closed();
  /// CPython's drain(): throws the reader's stored exception first (e.g. the
  /// ConnectionResetError of a reset); if the transport is closing, yields one loop
  /// iteration so that a pending connection_lost can run; throws
  /// ConnectionResetError("Connection lost") once the connection is lost; waits while
  /// writing is paused. Safe to cancel; many concurrent drains are fine.
  DrainOperation drain() { return DrainOperation(*this); }
  /// The transport's extra info (see Transport::get_extra_info).
  std::any get_extra_info(std::string_view name) const { return transport_->get_extra_info(name); }
  /// asyncio's StreamWriter.start_tls: upgrades this plain connection to TLS in place. Drains
  /// first (throwing what drain() throws), then runs the handshake as the TLS server when the
  /// writer came from start_server (the protocol has a client callback), else as the client
  /// (server_hostname is sent as SNI and checked, required when sslcontext checks host names).
  /// Afterwards transport() and get_extra_info() are the TLS transport's ("sslcontext" is set);
  /// the reader keeps reading from the plain transport, which now carries the decrypted data.
  /// Throws ValueError for bad arguments (nothing is changed), SSLError /
  /// SSLCertVerificationError when the handshake fails, ConnectionAbortedError when it takes
  /// longer than ssl_handshake_timeout; on any failure or cancellation the connection is
  /// closed (as loop.start_tls), and the writer keeps its old transport. A loop without a TLS
  /// engine throws NotImplementedError (Asio and the simulator have one).
  /// (server_hostname is an optional, not a string defaulting to "": GCC 12 copies a default
  /// argument's temporary bitwise into the coroutine frame, which breaks std::string.)
  Task<void> start_tls(std::shared_ptr<SslContext> sslcontext,
                       std::optional<std::string> server_hostname = std::nullopt, double ssl_handshake_timeout = 60.0,
                       double ssl_shutdown_timeout = 30.0);
  /// "<StreamWriter transport=<Transport> reader=<StreamReader ...>>".
  std::string repr() const;

 private:
  friend class DrainOperation;
  Task<void> drain_slow(bool closing);

  std::shared_ptr<Transport> transport_;
  std::shared_ptr<StreamReaderProtocol> protocol_;
  std::shared_ptr<StreamReader> reader_;
  std::weak_ptr<const void> loop_alive_;
};

}  // namespace aiostreams
