// Reports of a run: JSON Lines (one object per seed), JUnit XML, the summary table, and the
// merge of shard reports.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "aiostreams/testing/runner.hpp"

namespace aiostreams::testing {

/// One seed as one line of JSON (no newline): test, seed, ok, digest (16 hex digits),
/// faults, faults_fired, events, virtual_seconds, seconds, violations, sometimes, counters,
/// determinism_checked, replay.
std::string to_json_line(const SeedResult& result);
/// The inverse of to_json_line. Throws std::invalid_argument naming what is wrong (not JSON,
/// a missing or mistyped field).
SeedResult parse_json_line(std::string_view line);

/// Text escaped for XML character data and attribute values (& < > " '); characters XML 1.0
/// does not allow (controls other than tab, newline, return) become '?'.
std::string xml_escape(std::string_view text);
/// A JUnit XML document: one testsuite per test, one testcase per seed ("seed N"), a
/// <failure message="..."> with the violations and the replay command for each failed seed.
std::string junit_xml(const std::vector<SeedResult>& results);

/// Per test: the `sometimes` names evaluated in some seed of `results` that held in none.
struct NeverHeld {
  std::string test;
  std::vector<std::string> names;
};
std::vector<NeverHeld> sometimes_never_held(const std::vector<SeedResult>& results);

/// True when every seed passed and every `sometimes` held somewhere.
bool all_passed(const std::vector<SeedResult>& results);

/// Prints the summary table (one row per test), the `sometimes` that never held, and each
/// failed seed with its violations and replay command. `wall_seconds` > 0 adds seeds/s.
void print_summary(std::FILE* out, const std::vector<SeedResult>& results, double wall_seconds);

/// Writes one line per result to `path`. Throws std::runtime_error if it cannot.
void write_json_lines(const std::string& path, const std::vector<SeedResult>& results);
/// Writes `text` to `path`. Throws std::runtime_error if it cannot.
void write_file(const std::string& path, const std::string& text);

/// Reads JSON Lines reports (shards) and merges them, sorted by (test, seed). Throws
/// std::invalid_argument with "FILE:LINE: what" for a malformed line or a (test, seed)
/// that appears twice, and "FILE: ..." for a file it cannot read.
std::vector<SeedResult> merge_reports(const std::vector<std::string>& paths);

}  // namespace aiostreams::testing
