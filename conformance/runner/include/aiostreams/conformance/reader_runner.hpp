// Runs a reader scenario on our StreamReader over a SimLoop and produces the result
// records that conformance/cpython/reader_script.py produces on CPython.
#pragma once

#include <nlohmann/json.hpp>

#include "aiostreams/conformance/reader_scenario.hpp"

namespace aiostreams::conformance {

/// {"results": [RECORD, ...]} for the scenario (see conformance/README.md).
nlohmann::json run_reader_scenario(const ReaderScenario& scenario);

}  // namespace aiostreams::conformance
