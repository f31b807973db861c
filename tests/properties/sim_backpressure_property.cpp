// Property (network) 4: backpressure.
//
// A client sets generated write-buffer limits (high, low) and writes generated data in
// generated sizes, draining after every write. The server reads slowly: read(n) of generated
// sizes, with generated sleeps between reads, and the slow-reader fault among the generated
// faults. Small generated send and receive buffers make the client's transport buffer grow.
// After every loop iteration and right after every write:
//     transport()->get_write_buffer_size() <= high + the size of the last write
// and the server reads exactly the bytes written, then EOF.
//
// Sometimes a generated watchdog aborts the client's transport in the middle of the writes.
// Then a drain() that starts after the abort raises ConnectionResetError("Connection lost")
// (a drain already waiting may return: a clean close releases it, as in CPython), so a
// writer that drains never goes on believing its writes are delivered, and the server reads
// a prefix of the bytes.
#include <catch2/catch.hpp>

#include "aiostreams/errors.hpp"
#include "aiostreams/sim/spawn.hpp"
#include "aiostreams/sleep.hpp"
#include "sim_harness.hpp"

namespace props::simnet {
namespace {

using aiostreams::StreamReader;
using aiostreams::StreamWriter;
using aiostreams::Task;

struct PressureInput {
  NetPlan plan;
  int length = 0;  // data: a fixed pattern of this length
  int high = 0;
  int low_pct = 25;  // low = high * low_pct / 100
  std::vector<int> writes;
  std::vector<int> reads;      // server read(n) sizes, cycled
  std::vector<int> sleeps_us;  // server sleeps between reads, cycled
  std::optional<int> abort_at_us;
};

void showValue(const PressureInput& input, std::ostream& os) {
  os << "plan " << input.plan << "\n  " << input.length << " bytes, high " << input.high << ", low "
     << input.high * input.low_pct / 100 << ", write sizes [";
  for (std::size_t i = 0; i < input.writes.size(); ++i) os << (i ? ", " : "") << input.writes[i];
  os << "], server read(n) [";
  for (std::size_t i = 0; i < input.reads.size(); ++i) os << (i ? ", " : "") << input.reads[i];
  os << "], sleeps [";
  for (std::size_t i = 0; i < input.sleeps_us.size(); ++i) os << (i ? ", " : "") << input.sleeps_us[i] << "us";
  os << "], abort ";
  if (input.abort_at_us) {
    os << "at " << *input.abort_at_us << "us";
  } else {
    os << "never";
  }
}

rc::Gen<PressureInput> gen_pressure_input() {
  namespace gen = rc::gen;
  const auto sizes = [](int max) { return gen::scale(0.1, gen::container<std::vector<int>>(full_range(1, max + 1))); };
  return gen::map(
      gen::tuple(gen_net_plan(), full_range(0, 16001), full_range(0, 4097), full_range(0, 101), sizes(2048),
                 sizes(1024), gen::scale(0.1, gen::container<std::vector<int>>(full_range(0, 20001))),
                 gen::weightedOneOf<std::optional<int>>(
                     {{3, gen::just(std::optional<int>())},
                      {1, gen::map(full_range(0, 100001), [](int at) { return std::optional<int>(at); })}})),
      [](std::tuple<NetPlan, int, int, int, std::vector<int>, std::vector<int>, std::vector<int>, std::optional<int>>
             t) {
        PressureInput input;
        input.plan = std::move(std::get<0>(t));
        input.length = std::get<1>(t);
        input.high = std::get<2>(t);
        input.low_pct = std::get<3>(t);
        input.writes = std::move(std::get<4>(t));
        input.reads = std::move(std::get<5>(t));
        input.sleeps_us = std::move(std::get<6>(t));
        input.abort_at_us = std::get<7>(t);
        return input;
      });
}

struct PressureRun {
  explicit PressureRun(PressureInput i) : in(std::move(i)) {
    for (int k = 0; k < in.length; ++k) data += static_cast<char>('a' + k % 23);
  }
  PressureInput in;
  std::string data;
  std::shared_ptr<ServerEnd> end = std::make_shared<ServerEnd>();
  std::shared_ptr<StreamWriter> writer;  // the client's
  std::size_t last_write = 0;
  std::size_t peak = 0;
  bool writing = false;
  bool writer_done = false;
  bool aborted = false;
  bool drain_raised = false;
  bool released_by_abort = false;  // a drain waiting when the abort came returned
  std::string drain_message;
  bool client_finished = false;
  std::string client_error;
  std::string received;
  bool server_eof = false;
  std::string server_error;
  std::vector<std::string> violations;

  void check_buffer(const char* when) {
    if (!writer) return;
    const std::size_t size = writer->transport()->get_write_buffer_size();
    peak = std::max(peak, size);
    if (size > static_cast<std::size_t>(in.high) + last_write) {
      violations.push_back(std::string(when) + ": the write buffer holds " + std::to_string(size) + " bytes > high " +
                           std::to_string(in.high) + " + last write " + std::to_string(last_write));
    }
  }
};

Task<void> slow_session(PressureRun& run, std::shared_ptr<StreamReader> reader, std::shared_ptr<StreamWriter> writer) {
  try {
    for (std::size_t i = 0;; ++i) {
      const std::vector<int>& sleeps = run.in.sleeps_us;
      if (!sleeps.empty() && sleeps[i % sleeps.size()] > 0) co_await aiostreams::sleep(sleeps[i % sleeps.size()] / 1e6);
      const int n = run.in.reads.empty() ? 1024 : run.in.reads[i % run.in.reads.size()];
      const std::string got = co_await reader->read(n);
      if (got.empty()) {
        run.server_eof = true;
        break;
      }
      run.received += got;
    }
  } catch (const std::exception& e) {
    run.server_error = e.what();
  }
  writer->close();
}

Task<void> draining_client(PressureRun& run) {
  try {
    auto connecting = connect();
    auto pair = co_await connecting;
    run.writer = pair.second;
    run.writer->transport()->set_write_buffer_limits(static_cast<std::size_t>(run.in.high),
                                                     static_cast<std::size_t>(run.in.high * run.in.low_pct / 100));
    run.writing = true;
    const std::string_view data = run.data;
    std::size_t pos = 0;
    std::size_t k = 0;
    while (pos < data.size()) {
      std::size_t n = data.size() - pos;
      if (!run.in.writes.empty()) n = std::min(n, static_cast<std::size_t>(run.in.writes[k++ % run.in.writes.size()]));
      run.last_write = n;
      run.writer->write(data.substr(pos, n));
      pos += n;
      run.check_buffer("right after a write");
      const bool aborted_before = run.aborted;
      try {
        co_await run.writer->drain();
      } catch (const aiostreams::ConnectionResetError& e) {
        run.drain_raised = true;
        run.drain_message = e.what();
      }
      if (run.drain_raised) {
        if (!run.aborted) run.violations.push_back("drain() raised without an abort: " + run.drain_message);
        break;
      }
      if (!aborted_before && run.aborted) run.released_by_abort = true;
      if (aborted_before) {
        run.violations.push_back("a drain() that began after the abort returned (write " + std::to_string(k) +
                                 ", byte " + std::to_string(pos) + "): the writer believes its bytes went out");
      }
    }
    run.writing = false;
    run.writer_done = true;
    if (!run.drain_raised) run.writer->write_eof();
    const std::string tail = co_await pair.first->read();  // until the server closes (or our abort)
    if (!tail.empty()) run.client_error = "the server sent " + quoted(tail);
    run.client_finished = true;
  } catch (const std::exception& e) {
    run.client_error = e.what();
  }
  if (run.writer) {
    run.writer->close();
    try {
      co_await run.writer->wait_closed();
    } catch (const std::exception& e) {
      run.client_error += std::string(" wait_closed: ") + e.what();
    }
  }
}

Task<void> pressure_main(SimLoop& loop, PressureRun& run) {
  run.end->max_chunk = 0;
  SessionFn session = [&run](std::shared_ptr<StreamReader> reader, std::shared_ptr<StreamWriter> writer) {
    return slow_session(run, std::move(reader), std::move(writer));
  };
  auto serving = aiostreams::sim::spawn_on(loop, "server", serve(run.end, 1 << 16, std::move(session)));
  auto server = co_await serving;
  if (run.in.abort_at_us) {
    // A watchdog: aborts the client's connection if it is still writing then.
    (void)loop.call_at(loop.time() + *run.in.abort_at_us / 1e6, [&run] {
      if (!run.writing || run.writer == nullptr) return;
      run.aborted = true;
      run.writer->transport()->abort();
    });
  }
  auto client = aiostreams::sim::spawn_on(loop, "client", draining_client(run));
  co_await client;
  while (!run.end->lost) co_await aiostreams::sleep(0.01);  // the server's side closes too
  server->close();
}

}  // namespace

TEST_CASE("sim backpressure: a draining writer never buffers more than the high-water mark plus one write") {
  check_property([] {
    const auto input = *gen_pressure_input().as("backpressure case");
    PressureRun run(input);
    HandlerLog log;
    {
      SimLoop loop(input.plan.seed);
      ReleaseBeforeLoop release{*run.end};
      struct ClientRelease {
        PressureRun& run;
        ~ClientRelease() { run.writer.reset(); }
      } client_release{run};
      capture_exceptions(loop, log);
      input.plan.apply(loop);
      drive(loop, pressure_main(loop, run), [&run] { run.check_buffer("after a loop iteration"); });
    }
    for (const auto& message : log.messages) RC_LOG() << "exception handler: " << message << "\n";
    RC_LOG() << "server read " << run.received.size() << " of " << run.data.size() << " bytes, peak write buffer "
             << run.peak << ", aborted " << run.aborted << ", drain raised '" << run.drain_message << "'\n";
    assert_no_violations(run.violations);
    assert_no_violations(run.end->violations);
    RC_ASSERT(run.client_error.empty());
    RC_ASSERT(run.server_error.empty());
    RC_ASSERT(run.server_eof);
    RC_ASSERT(run.received.size() <= run.data.size());
    RC_ASSERT(run.data.compare(0, run.received.size(), run.received) == 0);
    if (run.aborted) {
      // Either a later drain raised, or the abort released the last drain.
      RC_ASSERT(run.drain_raised || run.released_by_abort);
      if (run.drain_raised) RC_ASSERT(run.drain_message == std::string("Connection lost"));
      RC_TAG(run.drain_raised ? "aborted while writing: drain raised" : "aborted during the last drain");
    } else {
      RC_ASSERT(log.messages.empty());
      RC_ASSERT(!run.drain_raised);
      RC_ASSERT(run.received == run.data);
      RC_ASSERT(run.client_finished);
      RC_TAG(run.peak > static_cast<std::size_t>(input.high) ? "the writer paused" : "the writer never paused");
    }
  });
}

}  // namespace props::simnet
