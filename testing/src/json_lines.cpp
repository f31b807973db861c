// A seed's result as a line of JSON and back (see report.hpp).
#include <cinttypes>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "aiostreams/testing/report.hpp"

namespace aiostreams::testing {

std::string to_json_line(const SeedResult& result) {
  char digest[17];
  std::snprintf(digest, sizeof digest, "%016" PRIx64, result.digest);
  nlohmann::ordered_json line = {
      {"test", result.test},
      {"seed", result.seed},
      {"ok", result.ok},
      {"digest", digest},
      {"faults", result.faults},
      {"faults_fired", result.faults_fired},
      {"events", result.events},
      {"virtual_seconds", result.virtual_seconds},
      {"seconds", result.seconds},
      {"violations", result.violations},
      {"sometimes", result.sometimes},
      {"counters", result.counters},
      {"determinism_checked", result.determinism_checked},
      {"replay", result.replay},
  };
  // Invalid UTF-8 in a message (a test may print raw bytes) becomes U+FFFD, not an exception.
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {
template <class T>
T field(const nlohmann::json& object, const char* name) {
  const auto found = object.find(name);
  if (found == object.end()) throw std::invalid_argument(std::string("missing field \"") + name + "\"");
  try {
    return found->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(std::string("field \"") + name + "\" has the wrong type");
  }
}
}  // namespace

SeedResult parse_json_line(std::string_view line) {
  nlohmann::json object;
  try {
    object = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(std::string("not JSON: ") + e.what());
  }
  if (!object.is_object()) throw std::invalid_argument("not a JSON object");
  SeedResult result;
  result.test = field<std::string>(object, "test");
  if (!object.contains("seed") || !object["seed"].is_number_unsigned()) {
    throw std::invalid_argument("field \"seed\" must be a non-negative integer");
  }
  result.seed = object["seed"].get<std::uint64_t>();
  result.ok = field<bool>(object, "ok");
  const auto digest = field<std::string>(object, "digest");
  if (digest.size() != 16 || digest.find_first_not_of("0123456789abcdef") != std::string::npos) {
    throw std::invalid_argument("field \"digest\" must be 16 lowercase hex digits");
  }
  result.digest = std::stoull(digest, nullptr, 16);
  result.faults = field<std::string>(object, "faults");
  result.faults_fired = field<std::uint64_t>(object, "faults_fired");
  result.events = field<std::uint64_t>(object, "events");
  result.virtual_seconds = field<double>(object, "virtual_seconds");
  result.seconds = field<double>(object, "seconds");
  result.violations = field<std::vector<std::string>>(object, "violations");
  result.sometimes = field<std::map<std::string, bool>>(object, "sometimes");
  result.counters = field<std::map<std::string, std::uint64_t>>(object, "counters");
  result.determinism_checked = field<bool>(object, "determinism_checked");
  result.replay = field<std::string>(object, "replay");
  if (result.ok != result.violations.empty()) {
    throw std::invalid_argument("\"ok\" contradicts \"violations\"");
  }
  return result;
}

}  // namespace aiostreams::testing
