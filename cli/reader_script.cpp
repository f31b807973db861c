#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "aiostreams/conformance/reader_runner.hpp"
#include "cli/commands.hpp"

namespace aiostreams::cli {

int reader_script(int argc, char** argv) {
  if (argc == 0) {
    std::fputs("usage: aiostreams reader-script FILE...\n", stderr);
    return 2;
  }
  for (int i = 0; i < argc; ++i) {
    const char* path = argv[i];
    std::ifstream file(path, std::ios::binary);
    if (!file) {
      std::fprintf(stderr, "%s: cannot open the file\n", path);
      return 2;
    }
    std::ostringstream text;
    text << file.rdbuf();
    try {
      auto scenario = conformance::parse_reader_scenario(text.str());
      std::cout << conformance::run_reader_scenario(scenario).dump(-1, ' ', /*ensure_ascii=*/true) << '\n' << std::flush;
    } catch (const conformance::ScenarioError& e) {
      std::fprintf(stderr, "%s: %s\n", path, e.what());
      return 2;
    }
  }
  return 0;
}

}  // namespace aiostreams::cli
