// Python's text for values that appear in asyncio's messages: str reprs, socket address
// tuples, and str(OSError(errno, text)). Every backend builds its messages with these, so
// that the same failure reads the same on every loop.
#pragma once

#include <string>
#include <string_view>

#include "aiostreams/socket_address.hpp"

namespace aiostreams::detail {

/// Python's repr() of a str: quoted, with escapes ('path', '\x00name', "it's").
std::string python_repr(std::string_view text);

/// Python's repr() of a socket address: ('127.0.0.1', 8080), ('::1', 8080, 0, 0) for IPv6,
/// or the repr of the path for a Unix socket.
std::string address_repr(const SocketAddress& address);

/// str(OSError(error_number, text)): "[Errno 98] text".
std::string os_error_message(int error_number, std::string_view text);

/// str(OSError(error_number, os.strerror(error_number))): "[Errno 2] No such file or directory".
std::string os_error_message(int error_number);

/// os.strerror(error_number).lower(), as asyncio quotes a bind error ("address already in use").
std::string lowered_strerror(int error_number);

/// Python's str() of a float or int argument in a message: "0", "-1", "0.5", "1e-05".
std::string python_number(double value);

}  // namespace aiostreams::detail
