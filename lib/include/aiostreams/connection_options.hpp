// Options for opening and serving connections: asyncio's keyword arguments as structs, so
// that `open_connection("127.0.0.1", 8888, {.limit = 1 << 20})` reads like Python.
#pragma once

#include <cstdint>
#include <optional>

#include "aiostreams/transport.hpp"

namespace aiostreams {

/// open_connection / open_unix_connection / Loop::create_connection.
struct ConnectOptions {
  /// The StreamReader's limit (streams only). ValueError if <= 0, before connecting.
  std::int64_t limit = 1 << 16;
  /// Bind the local end to this address before connecting.
  std::optional<SocketAddress> local_addr{};
  /// AF_INET, AF_INET6 or 0 (AF_UNSPEC: whatever the host resolves to).
  int family = 0;
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
};

}  // namespace aiostreams
