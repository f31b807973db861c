// Catch2 runner for the properties: keeps argv[0] so that a failure can print the exact
// replay command.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "harness.hpp"

int main(int argc, char* argv[]) {
  if (argc > 0) props::set_program_path(argv[0]);
  return Catch::Session().run(argc, argv);
}
