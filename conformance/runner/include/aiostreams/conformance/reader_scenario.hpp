// Reader-level conformance scenarios: the JSON format of conformance/README.md, parsed
// into a plain struct. Parsing never crashes on bad input: it throws ScenarioError with
// a message that names the step and what was expected.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace aiostreams::conformance {

class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ReaderStep {
  enum class Kind { feed, feed_eof, set_exception, cancel, call };
  enum class Call { read, readline, readuntil, readexactly, at_eof };
  Kind kind = Kind::feed;
  std::string data;            // feed
  std::string exception_name;  // set_exception
  Call call = Call::read;
  std::int64_t n = -1;                  // read (default -1), readexactly (required)
  std::vector<std::string> separators;  // readuntil
  bool separator_is_list = false;       // a JSON list: Python's tuple of separators
};

struct ReaderScenario {
  std::string name;
  std::int64_t limit = 65536;
  bool transport = false;
  std::vector<ReaderStep> steps;
};

/// Limits on what a scenario file may ask for; beyond them parsing fails.
inline constexpr std::size_t max_scenario_bytes = 64u << 20;
inline constexpr std::size_t max_scenario_steps = 1u << 20;
/// JSON nesting deeper than this is refused as soon as it is seen (a scenario needs 4).
inline constexpr int max_json_depth = 64;
/// At most this many JSON values (numbers, strings, lists, objects ...) in one file: enough
/// for max_scenario_steps steps, and a bound on the parsed document's memory.
inline constexpr std::size_t max_json_values = 4 * max_scenario_steps;

/// Parses one scenario file's text. Throws ScenarioError("step 3: \"n\" must be an integer").
/// Memory stays bounded: the text, depth and value count are capped (see above) while
/// parsing, and a NUL byte or anything but white space after the JSON is an error.
ReaderScenario parse_reader_scenario(std::string_view text);

/// The name a call has in scenario files and results ("readline", ...).
const char* call_name(ReaderStep::Call call);
/// The exception names set_exception accepts.
bool is_known_exception_name(std::string_view name);

}  // namespace aiostreams::conformance
