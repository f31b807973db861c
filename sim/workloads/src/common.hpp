// Helpers shared by the workloads.
#pragma once

#include <exception>
#include <memory>
#include <string>

#include "aiostreams/sim/spawn.hpp"
#include "aiostreams/sim/workloads.hpp"
#include "aiostreams/streams.hpp"
#include "aiostreams/wait_for.hpp"

namespace aiostreams::sim::workloads::detail {

/// The port every workload's server listens on.
inline constexpr int server_port = 8888;
/// Virtual seconds any single I/O may take before it counts as hung: under faults a silent
/// close would otherwise leave a read waiting forever.
inline constexpr double io_timeout = 30.0;

/// co_await timed(reader->readline()): wait_for with io_timeout.
template <class A>
auto timed(A awaitable) {
  return aiostreams::wait_for(std::move(awaitable), io_timeout);
}

/// True for the errors a faulty network produces: resets, refusals, timeouts, EOF in the
/// middle of an exchange.
bool is_connection_error(std::exception_ptr error);

/// A client's or handler's I/O failed: under faults a connection error is an outcome
/// (counted); otherwise, or for any other error, it is a violation naming `who`.
void record_failure(Report& report, const Params& params, const std::string& who, std::exception_ptr error);

/// Starts `handler` as a stream server on host "server".
template <class Handler>
Task<std::shared_ptr<Server>> serve(SimLoop& loop, Handler handler) {
  co_return co_await spawn_on(loop, "server", aiostreams::start_server(std::move(handler), "0.0.0.0", server_port));
}

/// Closes the server and waits until its connections are gone (aborting them if they do
/// not end within io_timeout, as a faulty network can leave them hanging).
Task<void> shut_down(std::shared_ptr<Server> server);

/// Opens a connection from the current host to the server (bounded by io_timeout).
Task<StreamPair> connect_to_server();

/// Closes a writer and waits for the close, tolerating the errors a faulty network gives.
Task<void> close_quietly(std::shared_ptr<StreamWriter> writer);

}  // namespace aiostreams::sim::workloads::detail
