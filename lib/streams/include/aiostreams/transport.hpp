// Transports, with asyncio's shapes (asyncio.transports). Backends implement Transport;
// the streams layer and protocols use it. No backend type appears here.
#pragma once

#include <any>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "aiostreams/socket_address.hpp"

namespace aiostreams {

class Protocol;

/// The part of a transport a StreamReader drives: reading flow control. Pausing or
/// resuming a closing transport, or one already in that state, does nothing.
/// pause_reading() may throw NotImplementedError; the reader then never pauses it again.
class ReadTransport {
 public:
  virtual ~ReadTransport() = default;
  virtual void pause_reading() = 0;
  virtual void resume_reading() = 0;
  virtual bool is_reading() const { return true; }
};

/// asyncio.Transport: one bidirectional byte stream.
///
/// Writing never blocks: data is buffered, and the protocol's pause_writing() is called
/// once the buffer grows above the high-water mark (default 64 KiB), resume_writing() once it
/// drains to the low-water mark (default high/4) or below.
/// The protocol's callbacks always arrive through the loop's ready queue, never inline.
class Transport : public ReadTransport {
 public:
  // -- BaseTransport --
  /// Backend details by name, or an empty std::any: "peername" and "sockname"
  /// (SocketAddress), "socket" (int file descriptor, real backend), and for TLS
  /// "sslcontext", "peercert", "cipher", "compression". Values stay readable after close.
  virtual std::any get_extra_info(std::string_view name) const = 0;
  /// True once close() or abort() was called, or the connection was lost.
  virtual bool is_closing() const = 0;
  /// Closes after the write buffer has been flushed; stops reading at once. The protocol's
  /// connection_lost(nullptr) follows on a later loop iteration. Idempotent.
  virtual void close() = 0;
  virtual void set_protocol(std::shared_ptr<Protocol> protocol) = 0;
  virtual std::shared_ptr<Protocol> get_protocol() const = 0;

  // -- WriteTransport --
  /// Queues bytes. Empty data does nothing. Throws RuntimeError("Cannot call write() after
  /// write_eof()"). After the connection is lost, data is dropped silently.
  virtual void write(std::string_view data) = 0;
  /// Writes each buffer in turn (scatter/gather where the backend can).
  /// Throws RuntimeError("Cannot call writelines() after write_eof()").
  virtual void writelines(std::span<const std::string_view> buffers);
  /// Half-close: sends EOF once the buffer is flushed; reading goes on. Does nothing when
  /// closing or already at EOF. Throws NotImplementedError where impossible (TLS).
  virtual void write_eof() = 0;
  virtual bool can_write_eof() const = 0;
  /// Closes at once, dropping buffered data; connection_lost(nullptr) follows.
  virtual void abort() = 0;
  virtual std::size_t get_write_buffer_size() const = 0;
  /// (low, high), as asyncio returns them.
  virtual std::pair<std::size_t, std::size_t> get_write_buffer_limits() const = 0;
  /// Sets the water marks: high defaults to 4*low, or 64 KiB when both are unset; low
  /// defaults to high/4. Throws ValueError unless high >= low >= 0.
  virtual void set_write_buffer_limits(std::optional<std::size_t> high = std::nullopt,
                                       std::optional<std::size_t> low = std::nullopt) = 0;
};

/// Checks and resolves set_write_buffer_limits() arguments as asyncio does:
/// returns (high, low) or throws ValueError.
std::pair<std::size_t, std::size_t> resolve_write_buffer_limits(std::optional<std::size_t> high,
                                                                std::optional<std::size_t> low);

}  // namespace aiostreams
