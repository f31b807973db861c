// JUnit XML, the summary and the merge of shard reports (see report.hpp).
#include "aiostreams/testing/report.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace aiostreams::testing {

std::string xml_escape(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&apos;"; break;
      case '\t':
      case '\n':
      case '\r': escaped += c; break;
      default: escaped += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
    }
  }
  return escaped;
}

namespace {
std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6f", seconds);
  return text;
}

// The results grouped by test, in order of first appearance.
std::vector<std::pair<std::string, std::vector<const SeedResult*>>> by_test(const std::vector<SeedResult>& results) {
  std::vector<std::pair<std::string, std::vector<const SeedResult*>>> groups;
  for (const auto& result : results) {
    auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == result.test; });
    if (group == groups.end()) group = groups.insert(groups.end(), {result.test, {}});
    group->second.push_back(&result);
  }
  return groups;
}

std::string failure_text(const SeedResult& result) {
  std::string text;
  for (const auto& violation : result.violations) text += violation + "\n";
  return text + "replay: " + result.replay;
}
}  // namespace

std::string junit_xml(const std::vector<SeedResult>& results) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  for (const auto& [test, seeds] : by_test(results)) {
    std::size_t failures = 0;
    double seconds = 0;
    for (const auto* seed : seeds) {
      failures += seed->ok ? 0 : 1;
      seconds += seed->seconds;
    }
    xml += "  <testsuite name=\"" + xml_escape(test) + "\" tests=\"" + std::to_string(seeds.size()) + "\" failures=\"" +
           std::to_string(failures) + "\" errors=\"0\" time=\"" + seconds_text(seconds) + "\">\n";
    for (const auto* seed : seeds) {
      xml += "    <testcase classname=\"" + xml_escape(test) + "\" name=\"seed " + std::to_string(seed->seed) +
             "\" time=\"" + seconds_text(seed->seconds) + "\"";
      if (seed->ok) {
        xml += "/>\n";
        continue;
      }
      const std::string message = seed->violations.empty() ? "failed" : seed->violations.front();
      xml += ">\n      <failure message=\"" + xml_escape(message) + "\">" + xml_escape(failure_text(*seed)) +
             "</failure>\n    </testcase>\n";
    }
    xml += "  </testsuite>\n";
  }
  return xml + "</testsuites>\n";
}

std::vector<NeverHeld> sometimes_never_held(const std::vector<SeedResult>& results) {
  std::vector<NeverHeld> never;
  for (const auto& [test, seeds] : by_test(results)) {
    std::map<std::string, bool> held;
    for (const auto* seed : seeds) {
      for (const auto& [name, ok] : seed->sometimes) held[name] = held[name] || ok;
    }
    NeverHeld entry{test, {}};
    for (const auto& [name, ok] : held) {
      if (!ok) entry.names.push_back(name);
    }
    if (!entry.names.empty()) never.push_back(std::move(entry));
  }
  return never;
}

bool all_passed(const std::vector<SeedResult>& results) {
  return std::all_of(results.begin(), results.end(), [](const SeedResult& r) { return r.ok; }) &&
         sometimes_never_held(results).empty();
}

void print_summary(std::FILE* out, const std::vector<SeedResult>& results, double wall_seconds) {
  std::fprintf(out, "%-20s %-12s %8s %8s %8s %12s %12s %10s\n", "test", "faults", "seeds", "passed", "failed", "events",
               "faults fired", "seeds/s");
  for (const auto& [test, seeds] : by_test(results)) {
    std::uint64_t failed = 0, events = 0, fired = 0;
    for (const auto* seed : seeds) {
      failed += seed->ok ? 0 : 1;
      events += seed->events;
      fired += seed->faults_fired;
    }
    const std::string rate =
        wall_seconds > 0 ? std::to_string(static_cast<std::uint64_t>(static_cast<double>(seeds.size()) / wall_seconds))
                         : "-";
    std::fprintf(out, "%-20s %-12.12s %8zu %8llu %8llu %12llu %12llu %10s\n", test.c_str(),
                 seeds.front()->faults.c_str(), seeds.size(), static_cast<unsigned long long>(seeds.size() - failed),
                 static_cast<unsigned long long>(failed), static_cast<unsigned long long>(events),
                 static_cast<unsigned long long>(fired), rate.c_str());
  }
  for (const auto& entry : sometimes_never_held(results)) {
    for (const auto& name : entry.names) {
      std::fprintf(out, "\n%s: sometimes(\"%s\") never held in any seed: the sweep fails\n", entry.test.c_str(),
                   name.c_str());
    }
  }
  for (const auto& result : results) {
    if (result.ok) continue;
    std::fprintf(out, "\n%s seed %llu FAILED:\n", result.test.c_str(), static_cast<unsigned long long>(result.seed));
    for (const auto& violation : result.violations) std::fprintf(out, "  violation: %s\n", violation.c_str());
    std::fprintf(out, "  replay: %s\n", result.replay.c_str());
  }
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) throw std::runtime_error("cannot write '" + path + "'");
}

void write_json_lines(const std::string& path, const std::vector<SeedResult>& results) {
  std::string text;
  for (const auto& result : results) text += to_json_line(result) + "\n";
  write_file(path, text);
}

std::vector<SeedResult> merge_reports(const std::vector<std::string>& paths) {
  std::vector<SeedResult> merged;
  std::map<std::pair<std::string, std::uint64_t>, std::string> where;  // (test, seed) -> file:line
  for (const auto& path : paths) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw std::invalid_argument(path + ": cannot open the file");
    std::string line;
    for (std::size_t number = 1; std::getline(file, line); ++number) {
      const std::string here = path + ":" + std::to_string(number);
      if (line.empty()) throw std::invalid_argument(here + ": empty line (expected one JSON object per line)");
      SeedResult result;
      try {
        result = parse_json_line(line);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(here + ": " + e.what());
      }
      const auto [previous, inserted] = where.emplace(std::make_pair(result.test, result.seed), here);
      if (!inserted) {
        throw std::invalid_argument(here + ": test " + result.test + " seed " + std::to_string(result.seed) +
                                    " is already in " + previous->second);
      }
      merged.push_back(std::move(result));
    }
  }
  std::sort(merged.begin(), merged.end(), [](const SeedResult& a, const SeedResult& b) {
    return std::tie(a.test, a.seed) < std::tie(b.test, b.seed);
  });
  return merged;
}

}  // namespace aiostreams::testing
