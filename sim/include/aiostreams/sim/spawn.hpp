// Running coroutines on simulated hosts.
#pragma once

#include <memory>
#include <string>

#include "aiostreams/sim/network.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/task_context.hpp"

namespace aiostreams::sim {

/// The simulator's task context: the simulated host a task runs on ("" = the default host).
struct SimTaskContext final : TaskContext {
  explicit SimTaskContext(std::string host_name) : host(std::move(host_name)) {}
  std::string describe() const override { return host; }
  std::string host;
};

/// Schedules `body` as a task on `loop` that runs on simulated host `host` (added to the
/// network if new); the tasks it creates inherit the host. Returns the task.
template <class T>
Future<T> spawn_on(SimLoop& loop, const std::string& host, Task<T> body) {
  loop.network().add_host(host);
  return create_task_in(loop, std::move(body), std::make_shared<const SimTaskContext>(host));
}

}  // namespace aiostreams::sim
