#include "aiostreams/sim/determinism.hpp"

#include <algorithm>
#include <cstdio>

#include "aiostreams/run_until_complete.hpp"

namespace aiostreams::sim {

namespace {
struct RunRecord {
  std::uint64_t digest = 0;
  std::uint64_t events = 0;
  std::vector<TraceEvent> trace;
};

RunRecord run_once_traced(std::uint64_t seed, const Workload& workload) {
  RunRecord record;
  SimLoop loop(seed);
  loop.set_trace(true);
  loop.set_exception_handler(
      [&loop](const ExceptionContext& context) { loop.record("exception-handler", context.message.size()); });
  try {
    aiostreams::run(loop, workload(loop));
    loop.record("run-finished");
  } catch (const std::exception& error) {
    loop.record("run-failed", std::string_view(error.what()).size());
  } catch (...) {
    loop.record("run-failed-unknown");
  }
  record.digest = loop.digest();
  record.events = loop.events_recorded();
  record.trace = loop.trace();
  return record;
}

std::string time_text(std::int64_t ns) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.9f s", static_cast<double>(ns) / 1e9);
  return buffer;
}
}  // namespace

std::string DeterminismReport::to_string() const {
  char digest_text[64];
  if (deterministic) {
    std::snprintf(digest_text, sizeof digest_text, "%016llx", static_cast<unsigned long long>(first_digest));
    return "seed " + std::to_string(seed) + ": deterministic (" + std::to_string(first_events) + " events, digest " +
           digest_text + ")";
  }
  std::string text = "seed " + std::to_string(seed) + ": NOT deterministic; first divergence at event #" +
                     std::to_string(index) + "\n";
  text += "  run 1 at " + time_text(first_time_ns) + ": " + first_event + "\n";
  text += "  run 2 at " + time_text(second_time_ns) + ": " + second_event;
  return text;
}

DeterminismReport check_determinism(std::uint64_t seed, const Workload& workload) {
  const RunRecord first = run_once_traced(seed, workload);
  const RunRecord second = run_once_traced(seed, workload);
  DeterminismReport report;
  report.seed = seed;
  report.first_digest = first.digest;
  report.second_digest = second.digest;
  report.first_events = first.events;
  report.second_events = second.events;
  const std::size_t common = std::min(first.trace.size(), second.trace.size());
  std::size_t i = 0;
  while (i < common && first.trace[i].time_ns == second.trace[i].time_ns &&
         first.trace[i].description == second.trace[i].description) {
    ++i;
  }
  if (i == common && first.trace.size() == second.trace.size() && first.digest == second.digest) return report;
  report.deterministic = false;
  report.index = i;
  if (i < first.trace.size()) {
    report.first_time_ns = first.trace[i].time_ns;
    report.first_event = first.trace[i].description;
  } else {
    report.first_event = "<end of run>";
  }
  if (i < second.trace.size()) {
    report.second_time_ns = second.trace[i].time_ns;
    report.second_event = second.trace[i].description;
  } else {
    report.second_event = "<end of run>";
  }
  return report;
}

std::string shell_word(std::string_view word) {
  const bool plain = !word.empty() && word.find_first_not_of(
                                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789_-+=.,:/@%") == std::string_view::npos;
  if (plain) return std::string(word);
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string replay_command(std::string_view program, std::string_view test, std::uint64_t seed,
                           std::string_view faults) {
  std::string command =
      shell_word(program) + " sim run --workload " + shell_word(test) + " --seed " + std::to_string(seed);
  if (!faults.empty() && faults != "none") command += " --faults " + shell_word(faults);
  return command;
}

}  // namespace aiostreams::sim
