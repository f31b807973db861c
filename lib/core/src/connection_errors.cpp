#include "aiostreams/backend/connection_errors.hpp"

#include <netdb.h>

#include <cerrno>

#include "aiostreams/detail/python_format.hpp"
#include "aiostreams/errors.hpp"

namespace aiostreams::detail {

std::exception_ptr os_error(int error_number) { return make_os_error(error_number, os_error_message(error_number)); }

std::exception_ptr resolution_error(int eai_code) {
  return std::make_exception_ptr(OSError(eai_code, os_error_message(eai_code, ::gai_strerror(eai_code))));
}

std::exception_ptr connect_error(int error_number, const SocketAddress& address) {
  // base_events.sock_connect: OSError(err, f'Connect call failed {address}')
  return make_os_error(error_number, os_error_message(error_number, "Connect call failed " + address_repr(address)));
}

std::exception_ptr bind_error(int error_number, const SocketAddress& address) {
  // base_events.create_server: 'error while attempting to bind on address %r: %s' % (sa, strerror.lower())
  const std::string text =
      "error while attempting to bind on address " + address_repr(address) + ": " + lowered_strerror(error_number);
  return make_os_error(error_number, os_error_message(error_number, text));
}

std::exception_ptr unix_address_in_use(const std::string& path) {
  // unix_events.create_unix_server: OSError(errno.EADDRINUSE, f'Address {path!r} is already in use')
  return make_os_error(EADDRINUSE, os_error_message(EADDRINUSE, "Address " + python_repr(path) + " is already in use"));
}

}  // namespace aiostreams::detail
