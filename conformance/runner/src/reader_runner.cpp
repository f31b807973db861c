#include "aiostreams/conformance/reader_runner.hpp"

#include <memory>

#include "aiostreams/asio_loop.hpp"
#include "aiostreams/conformance/bytes_json.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/stream_reader.hpp"

namespace aiostreams::conformance {

namespace {
using nlohmann::json;

// Records the reader's flow-control calls as events, in the order they happen.
class RecordingTransport final : public ReadTransport {
 public:
  explicit RecordingTransport(json& results) : results_(results) {}
  void pause_reading() override { results_.push_back({{"event", "pause_reading"}}); }
  void resume_reading() override { results_.push_back({{"event", "resume_reading"}}); }

 private:
  json& results_;
};

std::exception_ptr make_named_exception(const std::string& name) {
  // Created without a message, as `ConnectionResetError()` is in the CPython script.
  if (name == "ConnectionResetError") return std::make_exception_ptr(ConnectionResetError(""));
  if (name == "BrokenPipeError") return std::make_exception_ptr(BrokenPipeError(""));
  if (name == "TimeoutError") return std::make_exception_ptr(TimeoutError(""));
  return std::make_exception_ptr(OSError(0, ""));
}

// Adds "error" (and its details) to a record, naming the exception as Python would.
void describe_error(json& record, std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const IncompleteReadError& e) {
    record["error"] = "IncompleteReadError";
    record["partial"] = bytes_to_json_text(e.partial());
    record["expected"] = e.expected() ? json(*e.expected()) : json(nullptr);
    record["message"] = e.what();
  } catch (const LimitOverrunError& e) {
    record["error"] = "LimitOverrunError";
    record["consumed"] = e.consumed();
    record["message"] = e.what();
  } catch (const ValueError& e) {
    record["error"] = "ValueError";
    record["message"] = e.what();
  } catch (const RuntimeError& e) {
    record["error"] = "RuntimeError";
    record["message"] = e.what();
  } catch (const AssertionError& e) {
    record["error"] = "AssertionError";
    record["message"] = e.what();
  } catch (const CancelledError&) {
    record["error"] = "CancelledError";
    record["message"] = "";
  } catch (const ConnectionResetError&) {
    record["error"] = "ConnectionResetError";
    record["message"] = "";
  } catch (const BrokenPipeError&) {
    record["error"] = "BrokenPipeError";
    record["message"] = "";
  } catch (const TimeoutError&) {
    record["error"] = "TimeoutError";
    record["message"] = "";
  } catch (const OSError&) {
    record["error"] = "OSError";
    record["message"] = "";
  } catch (const std::exception& e) {
    record["error"] = "unexpected C++ exception";
    record["message"] = e.what();
  }
}

Task<std::string> start_call(StreamReader& reader, const ReaderStep& step) {
  switch (step.call) {
    case ReaderStep::Call::read: co_return co_await reader.read(step.n);
    case ReaderStep::Call::readline: co_return co_await reader.readline();
    case ReaderStep::Call::readexactly: co_return co_await reader.readexactly(step.n);
    case ReaderStep::Call::readuntil:
      if (step.separator_is_list) co_return co_await reader.readuntil(step.separators);
      co_return co_await reader.readuntil(step.separators.front());
    case ReaderStep::Call::at_eof: break;
  }
  co_return std::string();
}

struct StartedCall {
  std::size_t step;
  const char* name;
  std::optional<Future<std::string>> task;  // empty for at_eof, answered at once
  bool at_eof_value = false;
  bool recorded = false;
};

json record_of(const StartedCall& call) {
  json record = {{"step", call.step}, {"call", call.name}};
  if (!call.task) {
    record["value"] = call.at_eof_value;
  } else if (call.task->cancelled()) {
    record["error"] = "CancelledError";
    record["message"] = "";
  } else if (auto error = call.task->exception()) {
    describe_error(record, error);
  } else {
    record["value"] = bytes_to_json_text(call.task->result());
  }
  return record;
}
}  // namespace

json run_reader_scenario(const ReaderScenario& scenario, LoopKind loop_kind) {
  json results = json::array();
  std::unique_ptr<StreamReader> reader;
  try {
    reader = std::make_unique<StreamReader>(scenario.limit);
  } catch (const ValueError& e) {
    results.push_back({{"step", -1}, {"call", "StreamReader"}, {"error", "ValueError"}, {"message", e.what()}});
    return {{"results", results}};
  }
  if (scenario.transport) reader->set_transport(std::make_shared<RecordingTransport>(results));

  std::unique_ptr<Loop> loop_owner;
  if (loop_kind == LoopKind::asio) {
    loop_owner = std::make_unique<AsioLoop>();
  } else {
    loop_owner = std::make_unique<sim::SimLoop>();
  }
  Loop& loop = *loop_owner;
  std::vector<StartedCall> calls;
  // The calls not recorded yet, in step order: each step looks only at these (at most
  // one waits on the reader at a time), so a run is linear in its steps.
  std::vector<std::size_t> unrecorded;
  for (std::size_t index = 0; index < scenario.steps.size(); ++index) {
    const ReaderStep& step = scenario.steps[index];
    switch (step.kind) {
      case ReaderStep::Kind::feed: try { reader->feed_data(step.data);
        } catch (const AssertionError& e) {
          results.push_back({{"step", index}, {"call", "feed"}, {"error", "AssertionError"}, {"message", e.what()}});
        }
        break;
      case ReaderStep::Kind::feed_eof: reader->feed_eof(); break;
      case ReaderStep::Kind::set_exception: reader->set_exception(make_named_exception(step.exception_name)); break;
      case ReaderStep::Kind::cancel:
        for (const std::size_t pending : unrecorded) {
          auto& call = calls[pending];
          if (call.task && !call.task->done()) call.task->cancel();
        }
        break;
      case ReaderStep::Kind::call:
        if (step.call == ReaderStep::Call::at_eof) {
          calls.push_back({index, "at_eof", std::nullopt, reader->at_eof()});
        } else {
          calls.push_back({index, call_name(step.call), create_task(loop, start_call(*reader, step))});
        }
        unrecorded.push_back(calls.size() - 1);
        break;
    }
    loop.run_until_idle();
    std::erase_if(unrecorded, [&](std::size_t pending) {
      auto& call = calls[pending];
      if (call.task && !call.task->done()) return false;
      results.push_back(record_of(call));
      call.recorded = true;
      call.task.reset();  // the result is recorded: free it
      return true;
    });
  }
  for (auto& call : calls) {
    if (!call.recorded) results.push_back({{"step", call.step}, {"call", call.name}, {"pending", true}});
  }
  return {{"results", results}};
}

}  // namespace aiostreams::conformance
