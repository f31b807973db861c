// Each check quotes the CPython 3.11 source it follows (base_events.py, unix_events.py,
// sslproto.py, streams.py); the messages were verified by running python3 (see
// tests/argument_checks_test.cpp).
#include "aiostreams/detail/argument_checks.hpp"

#include <sys/socket.h>

#include <optional>

#include "aiostreams/connection_options.hpp"
#include "aiostreams/detail/python_format.hpp"
#include "aiostreams/errors.hpp"

namespace aiostreams::detail {

namespace {

// streams.py builds StreamReader(limit) first, so a bad limit wins over every other check.
void check_limit(std::int64_t limit) {
  if (limit <= 0) throw ValueError("Limit cannot be <= 0");
}

// "ssl_handshake_timeout is only meaningful with ssl" and its shutdown twin.
template <class Options>
void check_timeouts_need_ssl(const Options& options) {
  if (options.ssl) return;
  if (options.ssl_handshake_timeout) throw ValueError("ssl_handshake_timeout is only meaningful with ssl");
  if (options.ssl_shutdown_timeout) throw ValueError("ssl_shutdown_timeout is only meaningful with ssl");
}

// sslproto.SSLProtocol.__init__. CPython gets there only once connected (or, for a server,
// once a connection is accepted); we check before anything is connected or bound.
template <class Options>
void check_timeouts_positive(const Options& options) {
  if (!options.ssl) return;
  if (options.ssl_handshake_timeout && !(*options.ssl_handshake_timeout > 0)) {
    throw ValueError("ssl_handshake_timeout should be a positive number, got " +
                     python_number(*options.ssl_handshake_timeout));
  }
  if (options.ssl_shutdown_timeout && !(*options.ssl_shutdown_timeout > 0)) {
    throw ValueError("ssl_shutdown_timeout should be a positive number, got " +
                     python_number(*options.ssl_shutdown_timeout));
  }
}

// create_connection / create_server with sock=: AF_INET, AF_INET6 and AF_UNIX all pass.
void check_stream_socket(const Socket& sock) {
  if (sock.type() != SOCK_STREAM) throw ValueError("A Stream Socket was expected, got " + sock.repr());
}

void check_unix_stream_socket(const Socket& sock) {
  if (sock.family() != AF_UNIX || sock.type() != SOCK_STREAM) {
    throw ValueError("A UNIX Domain Stream Socket was expected, got " + sock.repr());
  }
}

}  // namespace

void check_connection_arguments(const std::string& host, int port, const ConnectOptions& options) {
  check_limit(options.limit);
  if (options.server_hostname && !options.ssl) throw ValueError("server_hostname is only meaningful with ssl");
  if (!options.server_hostname && options.ssl && host.empty()) {
    throw ValueError("You must set server_hostname when using ssl without a host");
  }
  check_timeouts_need_ssl(options);
  const bool has_address = !host.empty() || port != 0;
  if (has_address && options.sock) throw ValueError("host/port and sock can not be specified at the same time");
  if (!has_address && !options.sock) throw ValueError("host and port was not specified and no sock specified");
  if (options.sock) check_stream_socket(options.sock);
  check_timeouts_positive(options);
}

void check_unix_connection_arguments(const std::string& path, const ConnectOptions& options) {
  check_limit(options.limit);
  if (options.ssl) {
    if (!options.server_hostname) throw ValueError("you have to pass server_hostname when using ssl");
  } else if (options.server_hostname) {
    throw ValueError("server_hostname is only meaningful with ssl");
  }
  check_timeouts_need_ssl(options);
  if (!path.empty() && options.sock) throw ValueError("path and sock can not be specified at the same time");
  if (path.empty() && !options.sock) throw ValueError("no path and sock were specified");
  if (options.sock) check_unix_stream_socket(options.sock);
  check_timeouts_positive(options);
}

void check_server_arguments(const std::string& host, int port, const ServerOptions& options) {
  // CPython's start_server builds a reader only per connection; we reject the limit at once.
  check_limit(options.limit);
  check_timeouts_need_ssl(options);
  if ((!host.empty() || port != 0) && options.sock) {
    throw ValueError("host/port and sock can not be specified at the same time");
  }
  if (options.sock) check_stream_socket(options.sock);
  check_timeouts_positive(options);
}

void check_unix_server_arguments(const std::string& path, const ServerOptions& options) {
  check_limit(options.limit);
  check_timeouts_need_ssl(options);
  if (!path.empty() && options.sock) throw ValueError("path and sock can not be specified at the same time");
  if (path.empty() && !options.sock) throw ValueError("path was not specified, and no sock specified");
  if (options.sock) check_unix_stream_socket(options.sock);
  check_timeouts_positive(options);
}

}  // namespace aiostreams::detail
