// Runs a reader scenario on our StreamReader over a SimLoop and produces the result
// records that conformance/cpython/reader_script.py produces on CPython.
#pragma once

#include <nlohmann/json.hpp>

#include "aiostreams/conformance/reader_scenario.hpp"

namespace aiostreams::conformance {

/// Which loop drives the reader: the simulator or the real Asio loop. Both must give the
/// same records (the ready queue's order is part of the semantics).
enum class LoopKind { sim, asio };

/// {"results": [RECORD, ...]} for the scenario (see conformance/README.md).
nlohmann::json run_reader_scenario(const ReaderScenario& scenario, LoopKind loop_kind = LoopKind::sim);

}  // namespace aiostreams::conformance
