// The OSErrors asyncio raises while making a connection or a server, for backends: each
// builds the exact exception (the errno's class, CPython's message) so that a failure reads
// the same on every loop. The messages are str() of CPython's exceptions.
#pragma once

#include <exception>
#include <string>

#include "aiostreams/socket_address.hpp"

namespace aiostreams::detail {

/// An OS call failed with error_number: make_os_error(error_number, "[Errno N] <strerror>"),
/// e.g. "[Errno 2] No such file or directory" for a Unix connect to a missing path.
std::exception_ptr os_error(int error_number);

/// getaddrinfo failed with an EAI_* code: socket.gaierror, "[Errno -2] Name or service not known".
std::exception_ptr resolution_error(int eai_code);

/// connect() to `address` failed (sock_connect): "[Errno 111] Connect call failed ('127.0.0.1', 1)",
/// as a ConnectionRefusedError for ECONNREFUSED.
std::exception_ptr connect_error(int error_number, const SocketAddress& address);

/// bind() of a server or a local_addr failed (create_server, _connect_sock):
/// "[Errno 98] error while attempting to bind on address ('127.0.0.1', 8888): address already in use".
std::exception_ptr bind_error(int error_number, const SocketAddress& address);

/// A Unix server's address is taken (create_unix_server): "[Errno 98] Address '/tmp/s' is already in use".
std::exception_ptr unix_address_in_use(const std::string& path);

}  // namespace aiostreams::detail
