// AsioLoop: the production event loop, on an asio::io_context (single-threaded, like
// asyncio's loop). No Asio type appears here.
#pragma once

#include <memory>

#include "aiostreams/loop.hpp"

namespace aiostreams {

namespace detail {
struct AsioLoopAccess;
}  // namespace detail

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
  /// Runs what is ready now (polling I/O without waiting) until nothing is left.
  std::size_t run_until_idle() override;
  void stop() override;
  /// How many timers the loop holds (live and cancelled-but-not-yet-dropped), for tests:
  /// it stays O(live timers) however many are cancelled.
  std::size_t scheduled_timer_count() const noexcept;

  /// loop.start_tls with the TLS engine (see Loop::start_tls).
  Task<std::shared_ptr<Transport>> start_tls(std::shared_ptr<Transport> transport, std::shared_ptr<Protocol> protocol,
                                             std::shared_ptr<SslContext> sslcontext,
                                             const StartTlsOptions& options) override;

  /// The io_context behind the loop, for the backend's own transports (an opaque pointer
  /// to asio::io_context; only lib/asio/src knows its type).
  void* native_context() noexcept;

 protected:
  // ---- networking on real sockets (asyncio's selector transports), behind Loop's public
  // create_connection & co., which have checked the arguments. Each also takes asyncio's
  // sock= (options.sock, see connection_options.hpp): an existing socket instead of
  // host/port or path. OS failures carry CPython's messages (backend/connection_errors.hpp).

  /// Resolves host (numeric, a name, or "localhost"; options.family restricts it) and
  /// connects to each address in turn; options.local_addr binds first. Throws
  /// ConnectionRefusedError ("[Errno 111] Connect call failed ('127.0.0.1', 1)"), OSError
  /// (resolution errors keep getaddrinfo's code), or OSError("Multiple exceptions: ...")
  /// when every address failed differently. Cancelling it closes the half-made socket.
  Task<std::shared_ptr<Transport>> do_create_connection(ProtocolFactory factory, std::string host, int port,
                                                        const ConnectOptions& options) override;
  /// Binds one listening socket per resolved address ("" means every interface, IPv4 and
  /// IPv6; port 0 picks a free port per socket). Throws OSError("[Errno 98] error while
  /// attempting to bind on address ...") when a bind fails.
  Task<std::shared_ptr<Server>> do_create_server(ProtocolFactory factory, std::string host, int port,
                                                 const ServerOptions& options) override;
  /// Connects to a Unix stream socket (a path, or a Linux abstract name starting with '\0').
  Task<std::shared_ptr<Transport>> do_create_unix_connection(ProtocolFactory factory, std::string path,
                                                             const ConnectOptions& options) override;
  /// Listens on a Unix stream socket. A stale socket file at `path` is removed first;
  /// throws OSError(EADDRINUSE, "[Errno 98] Address '<path>' is already in use") when the
  /// address is taken. With options.cleanup_socket the file is unlinked on close if still ours.
  Task<std::shared_ptr<Server>> do_create_unix_server(ProtocolFactory factory, std::string path,
                                                      const ServerOptions& options) override;

 private:
  friend struct detail::AsioLoopAccess;
  std::size_t run_ready_batch();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aiostreams
