// One seed of a registered test (see runner.hpp).
#include "aiostreams/testing/runner.hpp"

#include <chrono>
#include <cstdio>
#include <exception>
#include <system_error>

#include "aiostreams/errors.hpp"
#include "aiostreams/run_until_complete.hpp"
#include "aiostreams/sim/determinism.hpp"
#include "aiostreams/sim/fault_table.hpp"
#include "aiostreams/sim/network.hpp"
#include "aiostreams/wait_for.hpp"

namespace aiostreams::testing {

bool determinism_selected(std::uint64_t seed, double fraction) noexcept {
  if (fraction >= 1) return true;
  if (fraction <= 0) return false;
  // splitmix64 of the seed: a fixed, well-mixed choice that any machine makes alike.
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53 < fraction;
}

std::string replay_command(const RunConfig& config, const std::string& test, std::uint64_t seed) {
  std::string command = sim::shell_word(config.program) + " run --test " + sim::shell_word(test) + " --seed " +
                        std::to_string(seed) + " --faults " + sim::shell_word(config.faults);
  if (config.params.clients > 0) command += " --clients " + std::to_string(config.params.clients);
  if (config.params.rounds > 0) command += " --rounds " + std::to_string(config.params.rounds);
  for (const auto& [key, value] : config.params.values) command += " --param " + sim::shell_word(key + "=" + value);
  return command;
}

namespace {

bool is_network_error(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::system_error&) {  // OSError and its family: resets, refusals, timeouts
    return true;
  } catch (const EOFError&) {  // IncompleteReadError: a connection cut mid-message
    return true;
  } catch (...) {
    return false;
  }
}

// The body, then the quiet phase: faults stop, and the liveness check must finish in time.
Task<void> body_and_quiet(SimTest& t, const TestCase& test) {
  try {
    co_await test.body(t);
  } catch (const CancelledError&) {
    throw;  // the run is ending (a deadlock, say): that is reported by run_on
  } catch (...) {
    t.fail("the test body threw: " + describe_exception(std::current_exception()));
  }
  // Quiet phase: no new faults from here on, and partitions and stalls under way end now
  // (a long one could outlast the bound).
  t.loop().network().set_faults(sim::FaultConfig{});
  t.loop().network().heal();
  t.loop().record("quiet-phase");
  if (!t.liveness()) co_return;
  try {
    co_await wait_for(t.liveness()(), t.quiet_bound());
  } catch (const TimeoutError&) {
    char bound[32];
    std::snprintf(bound, sizeof bound, "%g", t.quiet_bound());
    t.fail(std::string("liveness: on_quiet did not complete within ") + bound +
           " s of virtual time after the faults stopped");
  } catch (const CancelledError&) {
    throw;
  } catch (...) {
    t.fail("liveness: on_quiet threw: " + describe_exception(std::current_exception()));
  }
}

// One complete run on `loop`; the result's fields that the loop knows are left to the caller.
void run_on(sim::SimLoop& loop, const TestCase& test, const RunConfig& config, SeedResult& result) {
  const sim::FaultSpec faults = sim::parse_fault_spec(config.faults);
  faults.apply(loop.network());
  const bool faulty = config.faults != "none";
  SimTest t(loop, config.params, faulty);
  std::vector<std::string> handler_violations;
  loop.set_exception_handler([&](const ExceptionContext& context) {
    if (faulty && context.exception && is_network_error(context.exception)) return;
    std::string message = "exception handler: " + context.message;
    if (context.exception) message += ": " + describe_exception(context.exception);
    handler_violations.push_back(std::move(message));
  });
  try {
    aiostreams::run(loop, body_and_quiet(t, test));
  } catch (const std::exception& e) {
    t.fail(std::string("the run failed: ") + e.what());
  }
  loop.set_exception_handler(nullptr);
  result.violations = t.violations();
  result.violations.insert(result.violations.end(), handler_violations.begin(), handler_violations.end());
  for (const auto& name : t.sometimes_seen()) result.sometimes[name] = t.sometimes_held().count(name) > 0;
  result.counters = t.counters();
}

// The same run as check_determinism() wants it: a task (check_determinism runs it and
// records the exception handler's calls itself).
Task<void> traced_run(sim::SimLoop& loop, const TestCase& test, const RunConfig& config) {
  sim::parse_fault_spec(config.faults).apply(loop.network());
  SimTest t(loop, config.params, config.faults != "none");
  co_await body_and_quiet(t, test);
}

}  // namespace

SeedResult run_seed(const TestCase& test, const RunConfig& config, std::uint64_t seed) {
  const auto started = std::chrono::steady_clock::now();  // for `seconds` only
  SeedResult result;
  result.test = test.name;
  result.seed = seed;
  result.faults = config.faults;
  {
    sim::SimLoop loop(seed);
    run_on(loop, test, config, result);
    result.digest = loop.digest();
    result.events = loop.events_run();
    result.faults_fired = loop.network().faults_fired();
    result.virtual_seconds = loop.time();
  }
  if (determinism_selected(seed, config.determinism_fraction)) {
    result.determinism_checked = true;
    const sim::DeterminismReport report =
        sim::check_determinism(seed, [&](sim::SimLoop& loop) { return traced_run(loop, test, config); });
    if (!report.deterministic) result.violations.push_back("determinism: " + report.to_string());
  }
  result.ok = result.violations.empty();
  result.replay = replay_command(config, test.name, seed);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace aiostreams::testing
