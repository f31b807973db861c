// The stream helpers: asyncio's open_connection, start_server and their Unix variants.
// They use the running loop (get_running_loop()), so the same code runs on any backend.
#pragma once

#include <concepts>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "aiostreams/connection_options.hpp"
#include "aiostreams/server.hpp"
#include "aiostreams/stream_reader.hpp"
#include "aiostreams/stream_reader_protocol.hpp"
#include "aiostreams/stream_writer.hpp"
#include "aiostreams/task.hpp"

namespace aiostreams {

/// What open_connection returns: `auto [reader, writer] = co_await open_connection(...)`.
using StreamPair = std::pair<std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter>>;

/// Connects to host:port and returns (reader, writer). The reader's limit comes from
/// options.limit (ValueError if <= 0, before connecting). Connection errors propagate:
/// ConnectionRefusedError, OSError for an unknown host, ...
Task<StreamPair> open_connection(std::string host, int port, ConnectOptions options = {});
/// The same over a Unix stream socket.
Task<StreamPair> open_unix_connection(std::string path, ConnectOptions options = {});

/// asyncio's open_connection(sock=s): streams over the already connected stream socket
/// options.sock, which the library then owns (see ConnectOptions::sock). ValueError("host and
/// port was not specified and no sock specified") without one. Only the Asio backend.
Task<StreamPair> open_connection(ConnectOptions options);
/// asyncio's open_unix_connection(sock=s): the same, for a connected AF_UNIX stream socket.
Task<StreamPair> open_unix_connection(ConnectOptions options);

namespace detail {
template <class F>
std::shared_ptr<const ClientConnectedCallback> make_client_callback(F&& callback) {
  using Result = std::invoke_result_t<F&, std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter>>;
  if constexpr (std::is_same_v<Result, Task<void>>) {
    return std::make_shared<const ClientConnectedCallback>(ClientConnectedCoroutine(std::forward<F>(callback)));
  } else {
    static_assert(std::is_void_v<Result>, "client_connected_cb must return Task<void> or void");
    return std::make_shared<const ClientConnectedCallback>(ClientConnectedFunction(std::forward<F>(callback)));
  }
}

Task<std::shared_ptr<Server>> start_server(std::shared_ptr<const ClientConnectedCallback> callback, std::string host,
                                           int port, ServerOptions options);
Task<std::shared_ptr<Server>> start_unix_server(std::shared_ptr<const ClientConnectedCallback> callback,
                                                std::string path, ServerOptions options);
Task<std::shared_ptr<Server>> start_server_on_sock(std::shared_ptr<const ClientConnectedCallback> callback,
                                                   ServerOptions options);
Task<std::shared_ptr<Server>> start_unix_server_on_sock(std::shared_ptr<const ClientConnectedCallback> callback,
                                                        ServerOptions options);
}  // namespace detail

/// Serves host:port: for each connection, calls callback(reader, writer) with a fresh
/// StreamReader (limit options.limit) and StreamWriter. The callback may be a coroutine
/// function (returning Task<void>; it runs as its own task) or a plain function. An
/// exception escaping it goes to the loop's exception handler ("Unhandled exception in
/// client_connected_cb") and its connection is closed; a cancelled handler closes it silently.
template <class F>
Task<std::shared_ptr<Server>> start_server(F&& callback, std::string host, int port, ServerOptions options = {}) {
  return detail::start_server(detail::make_client_callback(std::forward<F>(callback)), std::move(host), port,
                              std::move(options));
}

/// The same on a Unix stream socket at `path`.
template <class F>
Task<std::shared_ptr<Server>> start_unix_server(F&& callback, std::string path, ServerOptions options = {}) {
  return detail::start_unix_server(detail::make_client_callback(std::forward<F>(callback)), std::move(path),
                                   std::move(options));
}

/// asyncio's start_server(cb, sock=s): serves on the bound stream socket options.sock, which
/// the server then owns (see ServerOptions::sock). ValueError("Neither host/port nor sock
/// were specified") without one. Only the Asio backend.
template <class F>
Task<std::shared_ptr<Server>> start_server(F&& callback, ServerOptions options) {
  return detail::start_server_on_sock(detail::make_client_callback(std::forward<F>(callback)), std::move(options));
}

/// asyncio's start_unix_server(cb, sock=s): the same, for a bound AF_UNIX stream socket.
template <class F>
Task<std::shared_ptr<Server>> start_unix_server(F&& callback, ServerOptions options) {
  return detail::start_unix_server_on_sock(detail::make_client_callback(std::forward<F>(callback)), std::move(options));
}

}  // namespace aiostreams
