// Options for opening and serving connections: asyncio's keyword arguments as structs, so
// that `open_connection("127.0.0.1", 8888, {.limit = 1 << 20})` reads like Python.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "aiostreams/socket.hpp"
#include "aiostreams/socket_address.hpp"

namespace aiostreams {

class SslContext;

/// asyncio's constants.SSL_HANDSHAKE_TIMEOUT and SSL_SHUTDOWN_TIMEOUT (seconds): what an unset
/// ssl_handshake_timeout / ssl_shutdown_timeout means.
inline constexpr double default_ssl_handshake_timeout = 60.0;
inline constexpr double default_ssl_shutdown_timeout = 30.0;

/// open_connection / open_unix_connection / Loop::create_connection.
struct ConnectOptions {
  /// The StreamReader's limit (streams only). ValueError if <= 0, before connecting.
  std::int64_t limit = 1 << 16;
  /// Bind the local end to this address before connecting.
  std::optional<SocketAddress> local_addr{};
  /// AF_INET, AF_INET6 or 0 (AF_UNSPEC: whatever the host resolves to).
  int family = 0;
  /// TLS (<aiostreams/ssl_context.hpp>): the connection is made only once the handshake is
  /// done; a failed handshake throws SSLError / SSLCertVerificationError, a slow one
  /// ConnectionAbortedError. Every backend with a TLS engine (Asio and the simulator).
  std::shared_ptr<SslContext> ssl{};
  /// The name sent as SNI and checked against the server's certificate; unset (Python's
  /// None): the host, as asyncio; "" sends no name and needs check_hostname off. ValueError
  /// when set without ssl. (An optional rather than a plain string: a default-constructed
  /// ConnectOptions must hold no std::string, because GCC 12 copies a default argument's
  /// temporary bitwise into a coroutine frame, which breaks a string's small buffer.)
  std::optional<std::string> server_hostname{};
  /// Seconds the TLS handshake may take; unset (Python's None): default_ssl_handshake_timeout.
  /// ValueError if <= 0, or if set without ssl.
  std::optional<double> ssl_handshake_timeout{};
  /// Seconds close() waits for the peer's close_notify before aborting; unset:
  /// default_ssl_shutdown_timeout. ValueError if <= 0, or if set without ssl.
  std::optional<double> ssl_shutdown_timeout{};
  /// asyncio's sock=: an already connected stream socket to use instead of connecting; give
  /// no host, port or path then (`ConnectOptions o{.sock = s}; co_await open_connection(o)`).
  /// It is checked first (ValueError leaves the Socket untouched); once accepted the library
  /// owns the descriptor and every copy of `sock` is empty (see Socket). family and
  /// local_addr are ignored; with ssl, server_hostname is required. Only the Asio backend
  /// (the simulator raises NotImplementedError).
  Socket sock{};
};

/// start_server / start_unix_server / Loop::create_server.
struct ServerOptions {
  /// Each connection's StreamReader limit (streams only). ValueError if <= 0, before binding.
  std::int64_t limit = 1 << 16;
  /// The listen() backlog: connections the kernel (or the simulator) queues before accept.
  int backlog = 100;
  /// Start accepting at once; otherwise the sockets are bound and start_serving() or
  /// serve_forever() starts them.
  bool start_serving = true;
  std::optional<bool> reuse_address{};
  bool reuse_port = false;
  bool keep_alive = false;
  /// Unix servers: unlink the socket file on close() if it is still ours.
  bool cleanup_socket = true;
  /// TLS for every accepted connection (a context with load_cert_chain()). The callback runs
  /// after the handshake; a failed or slow handshake drops the connection and is reported
  /// to the loop's exception handler ("SSL handshake failed"). Asio and the simulator.
  std::shared_ptr<SslContext> ssl{};
  /// As ConnectOptions' (ValueError if <= 0, or if set without ssl).
  std::optional<double> ssl_handshake_timeout{};
  std::optional<double> ssl_shutdown_timeout{};
  /// asyncio's sock=: a bound stream socket to serve on instead of binding one; give no
  /// host, port or path then (`ServerOptions o{.sock = s}; co_await start_server(cb, o)`).
  /// It need not listen yet: listen(backlog) runs when serving starts. It is checked first
  /// (ValueError leaves the Socket untouched); once accepted the server owns the descriptor
  /// and every copy of `sock` is empty (see Socket). reuse_address, reuse_port and
  /// keep_alive are not applied to it. A Unix server with cleanup_socket unlinks the
  /// socket's bound path on close if the file there is still the one it was at the start
  /// (as CPython 3.13). Only the Asio backend (the simulator raises NotImplementedError).
  Socket sock{};
};

/// Loop::start_tls (and StreamWriter::start_tls): asyncio's keyword arguments.
struct StartTlsOptions {
  /// Run the handshake as the TLS server.
  bool server_side = false;
  /// As ConnectOptions::server_hostname (clients only).
  std::optional<std::string> server_hostname{};
  double ssl_handshake_timeout{default_ssl_handshake_timeout};
  double ssl_shutdown_timeout{default_ssl_shutdown_timeout};
};

}  // namespace aiostreams
