// scenario_parser_fuzzer: any bytes into parse_reader_scenario. The parser must either
// return a scenario or throw ScenarioError: any other exception, a crash, a hang or
// unbounded memory is a bug. A small parsed scenario is also run on the sim
// (run_reader_scenario), which must not crash either.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "aiostreams/conformance/reader_runner.hpp"
#include "aiostreams/conformance/reader_scenario.hpp"

namespace {

namespace conf = aiostreams::conformance;

[[noreturn]] void fail(const std::uint8_t* data, std::size_t size, const char* what) {
  std::fprintf(stderr, "\n==== scenario_parser_fuzzer: %s ====\ninput (%zu bytes): ", what, size);
  for (std::size_t i = 0; i < size; ++i) std::fprintf(stderr, "%02x", data[i]);
  std::fprintf(stderr, "\n");
  std::abort();
}

// Small enough to run quickly and in bounded memory.
bool small(const conf::ReaderScenario& scenario) {
  if (scenario.steps.size() >= 64) return false;
  if (scenario.limit < -4 || scenario.limit > (1 << 20)) return false;
  std::size_t total_feed = 0;
  for (const auto& step : scenario.steps) {
    total_feed += step.data.size();
    if (step.kind == conf::ReaderStep::Kind::call && (step.n > (1 << 20) || step.n < -(1 << 20))) return false;
  }
  return total_feed < (64u << 10);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  conf::ReaderScenario scenario;
  try {
    scenario = conf::parse_reader_scenario(text);
  } catch (const conf::ScenarioError&) {
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parse_reader_scenario threw %s\n", e.what());
    fail(data, size, "parse_reader_scenario threw something other than ScenarioError");
  } catch (...) {
    fail(data, size, "parse_reader_scenario threw a non-std exception");
  }
  if (!small(scenario)) return 0;
  try {
    const auto results = conf::run_reader_scenario(scenario);
    if (!results.contains("results") || !results["results"].is_array()) {
      fail(data, size, "run_reader_scenario returned no results array");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "run_reader_scenario threw %s\n", e.what());
    fail(data, size, "run_reader_scenario threw");
  } catch (...) {
    fail(data, size, "run_reader_scenario threw a non-std exception");
  }
  return 0;
}
