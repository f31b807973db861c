// aiostreams/testing/report.hpp: JSON Lines, JUnit, the summary's verdict, the merge.
#include "aiostreams/testing/report.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

using namespace aiostreams::testing;

namespace {
SeedResult sample(const std::string& test, std::uint64_t seed, bool ok) {
  SeedResult result;
  result.test = test;
  result.seed = seed;
  result.ok = ok;
  result.digest = 0x0123456789abcdefULL + seed;
  result.events = 100 + seed;
  result.faults_fired = seed % 3;
  result.faults = "swarm";
  result.virtual_seconds = 1.5;
  result.seconds = 0.25;
  if (!ok) result.violations = {"broken <invariant> & \"quotes\""};
  result.sometimes = {{"retried", seed % 2 == 0}};
  result.counters = {{"round_trips", seed * 10}};
  result.replay = "./t run --test " + test + " --seed " + std::to_string(seed) + " --faults swarm";
  return result;
}

std::string temp_file(const std::string& name, const std::string& text) {
  const auto path = (std::filesystem::temp_directory_path() / ("aiostreams_report_test_" + name)).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string merge_error(const std::vector<std::string>& paths) {
  try {
    merge_reports(paths);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("a result survives to_json_line and parse_json_line", "[testing]") {
  const SeedResult original = sample("echo", 17, false);
  const std::string line = to_json_line(original);
  CHECK(line.find('\n') == std::string::npos);
  CHECK_THAT(line, Catch::StartsWith("{\"test\":\"echo\",\"seed\":17,\"ok\":false,\"digest\":\"0123456789abce00\""));
  CHECK_THAT(line, Catch::Contains("\"counters\":{\"round_trips\":170}"));
  const SeedResult back = parse_json_line(line);
  CHECK(back.counters == original.counters);
  CHECK(to_json_line(back) == line);
}

TEST_CASE("parse_json_line names what is wrong", "[testing]") {
  CHECK_THROWS_WITH(parse_json_line("{nope"), Catch::StartsWith("not JSON"));
  CHECK_THROWS_WITH(parse_json_line("[1]"), "not a JSON object");
  std::string line = to_json_line(sample("echo", 1, true));
  CHECK_THROWS_WITH(parse_json_line(line.replace(line.find("\"digest\""), 8, "\"digesT\"")),
                    "missing field \"digest\"");
  CHECK_THROWS_WITH(parse_json_line(R"({"test":"echo","seed":-1})"), Catch::Contains("\"seed\""));
}

TEST_CASE("xml_escape escapes markup and drops characters XML cannot hold", "[testing]") {
  CHECK(xml_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
  CHECK(xml_escape(std::string("x\x01y\tz\n", 6)) == "x?y\tz\n");
}

TEST_CASE("the JUnit report has a testsuite per test and a failure per failed seed", "[testing]") {
  const std::string xml = junit_xml({sample("echo", 1, true), sample("echo", 2, false), sample("http", 3, true)});
  CHECK_THAT(xml, Catch::Contains("<testsuite name=\"echo\" tests=\"2\" failures=\"1\""));
  CHECK_THAT(xml, Catch::Contains("<testsuite name=\"http\" tests=\"1\" failures=\"0\""));
  CHECK_THAT(xml, Catch::Contains("<testcase classname=\"echo\" name=\"seed 1\""));
  CHECK_THAT(xml, Catch::Contains("<failure message=\"broken &lt;invariant&gt; &amp; &quot;quotes&quot;\">"));
  CHECK_THAT(xml, Catch::Contains("replay: ./t run --test echo --seed 2 --faults swarm</failure>"));
}

TEST_CASE("a sometimes that never holds in any seed fails the sweep", "[testing]") {
  std::vector<SeedResult> results{sample("echo", 1, true), sample("echo", 3, true)};  // odd: never retried
  CHECK_FALSE(all_passed(results));
  const auto never = sometimes_never_held(results);
  REQUIRE(never.size() == 1);
  CHECK(never[0].test == "echo");
  CHECK(never[0].names == std::vector<std::string>{"retried"});
  results.push_back(sample("echo", 4, true));  // held here
  CHECK(all_passed(results));
  CHECK(sometimes_never_held(results).empty());
}

TEST_CASE("merge_reports sorts by test and seed", "[testing]") {
  const auto a =
      temp_file("a", to_json_line(sample("http", 2, true)) + "\n" + to_json_line(sample("echo", 9, true)) + "\n");
  const auto b = temp_file("b", to_json_line(sample("echo", 4, false)) + "\n");
  const auto merged = merge_reports({a, b});
  REQUIRE(merged.size() == 3);
  CHECK(merged[0].test == "echo");
  CHECK(merged[0].seed == 4);
  CHECK(merged[1].seed == 9);
  CHECK(merged[2].test == "http");
}

TEST_CASE("merge_reports rejects a duplicate seed and a malformed line with FILE:LINE", "[testing]") {
  const std::string line = to_json_line(sample("echo", 4, true));
  const auto a = temp_file("dup_a", line + "\n");
  const auto b = temp_file("dup_b", to_json_line(sample("echo", 5, true)) + "\n" + line + "\n");
  CHECK(merge_error({a, b}) == b + ":2: test echo seed 4 is already in " + a + ":1");
  const auto bad = temp_file("bad", line + "\n{\"test\": 1}\n");
  CHECK_THAT(merge_error({bad}), Catch::StartsWith(bad + ":2: "));
  CHECK_THAT(merge_error({"/nonexistent/report.json"}), Catch::Contains("cannot open"));
}
