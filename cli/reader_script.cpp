#include <cstdio>
#include <iostream>
#include <string_view>

#include "aiostreams/conformance/input_file.hpp"
#include "aiostreams/conformance/reader_runner.hpp"
#include "cli/commands.hpp"

namespace aiostreams::cli {

int reader_script(int argc, char** argv) {
  conformance::LoopKind loop_kind = conformance::LoopKind::sim;
  int first = 0;
  if (argc >= 2 && std::string_view(argv[0]) == "--loop") {
    const std::string_view kind = argv[1];
    if (kind == "asio") {
      loop_kind = conformance::LoopKind::asio;
    } else if (kind != "sim") {
      std::fprintf(stderr, "aiostreams reader-script: --loop takes sim or asio, not '%s'\n", argv[1]);
      return 2;
    }
    first = 2;
  }
  if (first >= argc) {
    std::fputs("usage: aiostreams reader-script [--loop sim|asio] FILE...\n", stderr);
    return 2;
  }
  for (int i = first; i < argc; ++i) {
    const char* path = argv[i];
    try {
      const std::string text = conformance::read_input_file(path, conformance::max_scenario_bytes);
      auto scenario = conformance::parse_reader_scenario(text);
      std::cout << conformance::run_reader_scenario(scenario, loop_kind).dump(-1, ' ', /*ensure_ascii=*/true) << '\n'
                << std::flush;
    } catch (const conformance::ScenarioError& e) {
      std::fprintf(stderr, "%s: %s\n", path, e.what());
      return 2;
    }
  }
  return 0;
}

}  // namespace aiostreams::cli
