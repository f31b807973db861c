// Running coroutines on simulated hosts.
#pragma once

#include <memory>
#include <string>

#include "aiostreams/sim/network.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/task_context.hpp"

namespace aiostreams::sim {

/// Schedules `body` as a task on `loop` that runs on simulated host `host` (added to the
/// network if new); the tasks it creates inherit the host. Returns the task.
template <class T>
Future<T> spawn_on(SimLoop& loop, const std::string& host, Task<T> body) {
  loop.network().add_host(host);
  return create_task_in(loop, std::move(body), std::make_shared<const TaskContext>(TaskContext{host}));
}

}  // namespace aiostreams::sim
