// Host crashes and restarts (Network::crash, Network::on_restart, the host_crash fault).
#include <memory>
#include <string>
#include <vector>

#include "aiostreams/detail/task_base.hpp"
#include "aiostreams/errors.hpp"
#include "aiostreams/sim/spawn.hpp"
#include "net_internal.hpp"

namespace aiostreams::sim {

namespace {
bool runs_on(const detail::FutureBase& future, const std::string& host) {
  const auto* task = dynamic_cast<const detail::TaskBase*>(&future);
  if (task == nullptr) return false;
  const auto* context = dynamic_cast<const SimTaskContext*>(task->context().get());
  return context != nullptr && context->host == host;
}
}  // namespace

void Network::Impl::crash(int host, bool silent, std::int64_t restart_after_ns) {
  if (host == 0) {
    throw ValueError("the default host 'localhost' cannot crash: run the service on a named host (spawn_on)");
  }
  const std::string name = hosts[static_cast<std::size_t>(host)].name;
  ++crashes;
  ++fired;
  loop.record_described(silent ? "crash-silent" : "crash", static_cast<std::uint64_t>(host),
                        static_cast<std::uint64_t>(restart_after_ns), [&] { return name; });
  // The connections end first, so that nothing the cancelled tasks do on their way out (a
  // close, a last write) reaches a peer: a killed process sends nothing more.
  std::vector<std::shared_ptr<SimTransport>> connections;
  for (const auto& [id, transport] : live) {
    if (transport->host() == host) connections.push_back(transport);
  }
  for (const auto& transport : connections) transport->crash(silent);
  std::vector<SimListener*> closing;
  for (SimListener* listener : listeners) {
    if (listener->host() == host) closing.push_back(listener);
  }
  for (SimListener* listener : closing) listener->close();
  for (const auto& task : loop.pending_tasks()) {
    if (runs_on(*task, name)) task->cancel();
  }
  if (restart_hooks.count(host) == 0) return;
  loop.call_at_ns(loop.now_ns() + restart_after_ns, [this, host] {
    auto hook = restart_hooks.find(host);
    if (hook == restart_hooks.end()) return;
    const std::string& restarting = hosts[static_cast<std::size_t>(host)].name;
    loop.record_described("restart", static_cast<std::uint64_t>(host), 0, [&] { return restarting; });
    Future<void> service = spawn_on(loop, restarting, hook->second());
    service.add_done_callback([this, service] {
      if (!service.cancelled() && service.exception()) {
        loop.call_exception_handler({"the restart hook failed", service.exception()});
      }
    });
    maybe_schedule_crash(host);
  });
}

void Network::Impl::maybe_schedule_crash(int host) {
  if (!(faults.host_crash > 0) || host == 0) return;
  if (!rng.chance(faults.host_crash)) return;
  const std::int64_t window = seconds_to_ns(faults.crash_window);
  const std::int64_t when =
      loop.now_ns() + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(window) + 1));
  const bool silent = rng.chance(faults.crash_silent_share);
  const double restart = faults.restart_min + (faults.restart_max - faults.restart_min) * rng.uniform_real();
  const std::int64_t restart_ns = seconds_to_ns(restart);
  loop.call_at_ns(when, [this, host, silent, restart_ns] {
    if (!(faults.host_crash > 0)) return;  // faults were turned off since (a quiet phase)
    crash(host, silent, restart_ns);
  });
}

}  // namespace aiostreams::sim
