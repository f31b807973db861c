// asyncio's argument checks for create_connection, create_server and their Unix variants
// (base_events.py, unix_events.py), in CPython's order and with its messages. Loop's public
// entry points run them before calling the backend, so every loop rejects the same
// arguments with the same ValueError. host "" and port 0 stand for Python's None.
#pragma once

#include <string>

namespace aiostreams {
struct ConnectOptions;
struct ServerOptions;
}  // namespace aiostreams

namespace aiostreams::detail {

/// open_connection / create_connection. Throws ValueError; OSError when options.sock is not
/// a socket the OS can describe.
void check_connection_arguments(const std::string& host, int port, const ConnectOptions& options);

/// open_unix_connection / create_unix_connection. Throws as check_connection_arguments.
void check_unix_connection_arguments(const std::string& path, const ConnectOptions& options);

/// start_server / create_server. A missing host, port and sock is not checked here: to the
/// loop, "" and 0 mean every interface and any port (start_server's sock form checks it).
/// Throws as check_connection_arguments.
void check_server_arguments(const std::string& host, int port, const ServerOptions& options);

/// start_unix_server / create_unix_server. Throws as check_connection_arguments.
void check_unix_server_arguments(const std::string& path, const ServerOptions& options);

}  // namespace aiostreams::detail
