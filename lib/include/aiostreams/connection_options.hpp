// Options for opening and serving connections: asyncio's keyword arguments as structs, so
// that `open_connection("127.0.0.1", 8888, {.limit = 1 << 20})` reads like Python.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "aiostreams/transport.hpp"

namespace aiostreams {

class SslContext;

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
  /// ConnectionAbortedError. Only the Asio backend supports it.
  std::shared_ptr<SslContext> ssl{};
  /// The name sent as SNI and checked against the server's certificate; unset (Python's
  /// None): the host, as asyncio; "" sends no name and needs check_hostname off. ValueError
  /// when set without ssl. (An optional rather than a plain string: a default-constructed
  /// ConnectOptions must hold no std::string, because GCC 12 copies a default argument's
  /// temporary bitwise into a coroutine frame, which breaks a string's small buffer.)
  std::optional<std::string> server_hostname{};
  /// Seconds the TLS handshake may take (ValueError if <= 0).
  double ssl_handshake_timeout{60.0};
  /// Seconds close() waits for the peer's close_notify before aborting (ValueError if <= 0).
  double ssl_shutdown_timeout{30.0};
};

/// start_server / start_unix_server / Loop::create_server.
struct ServerOptions {
  /// Each connection's StreamReader limit (streams only).
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
  /// to the loop's exception handler ("SSL handshake failed"). Only the Asio backend.
  std::shared_ptr<SslContext> ssl{};
  double ssl_handshake_timeout{60.0};
  double ssl_shutdown_timeout{30.0};
};

}  // namespace aiostreams
