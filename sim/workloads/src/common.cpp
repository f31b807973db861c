#include "common.hpp"

#include "aiostreams/sim/network.hpp"

namespace aiostreams::sim::workloads::detail {

bool is_connection_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const OSError&) {  // ConnectionResetError, BrokenPipeError, refused, TimeoutError, ...
    return true;
  } catch (const IncompleteReadError&) {  // the peer's EOF cut an exchange short
    return true;
  } catch (...) {
    return false;
  }
}

void record_failure(Report& report, const Params& params, const std::string& who, std::exception_ptr error) {
  if (params.faults && is_connection_error(error)) {
    ++report.connection_errors;
    return;
  }
  report.violations.push_back(who + ": unexpected error: " + describe_exception(error));
}

Task<void> shut_down(std::shared_ptr<Server> server) {
  server->close();
  bool timed_out = false;
  try {
    co_await timed(server->wait_closed());
  } catch (const TimeoutError&) {
    timed_out = true;
  }
  if (timed_out) {
    server->abort_clients();
    co_await server->wait_closed();
  }
}

Task<StreamPair> connect_to_server() { co_return co_await timed(aiostreams::open_connection("server", server_port)); }

Task<void> close_quietly(std::shared_ptr<StreamWriter> writer) {
  writer->close();
  try {
    co_await timed(writer->wait_closed());
  } catch (...) {
    // The connection may have been reset or be hanging: the close is done either way.
  }
}

}  // namespace aiostreams::sim::workloads::detail
