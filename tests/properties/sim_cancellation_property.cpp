// Property (network) 5: cancelling reads and drains at any moment never loses or duplicates
// bytes over the simulated network.
//
// A writer task on the client writes generated chunks, draining after each, then
// write_eof(). A reader task on the server runs generated readline / readuntil /
// readexactly(n) / read(n) calls until EOF. The test drives the loop one run_once() at a time;
// after a generated number of iterations it cancels the reader task or the writer task
// (task.cancel()), wherever it is: waiting for data or for the drain, woken by data but not
// yet resumed, or not yet started. A cancelled task is replaced by a new one at the next
// iteration, which carries on with the next call or the next chunk. The network and its
// faults are generated as in the transfer property (no reset; default limit, so nothing is
// ever discarded). After every iteration:
//     everything the reads returned + what the reader holds == the writer's bytes that
//     reached the reader, in order;
// and at the end the reads returned exactly the writer's bytes, then EOF.
// read() is left out: CPython's read() loses the blocks it has gathered when cancelled.
#include <catch2/catch.hpp>

#include "aiostreams/errors.hpp"
#include "aiostreams/sim/spawn.hpp"
#include "sim_harness.hpp"

namespace props::simnet {
namespace {

using aiostreams::StreamReader;
using aiostreams::StreamWriter;
using aiostreams::Task;

struct CancelAction {
  int after_steps = 0;
  bool reader = true;  // cancel the reader task, else the writer task
};

void showValue(const CancelAction& action, std::ostream& os) {
  os << "after " << action.after_steps << " step(s) cancel the " << (action.reader ? "reader" : "writer");
}

struct CancelInput {
  NetPlan plan;
  std::string data;
  std::vector<int> writes;
  std::vector<Op> ops;
  std::vector<CancelAction> actions;
  int high = 0;  // the client's high-water mark (small, so that drains wait)
};

void showValue(const CancelInput& input, std::ostream& os) {
  os << "plan " << input.plan << "\n  data " << quoted(input.data) << ", write sizes [";
  for (std::size_t i = 0; i < input.writes.size(); ++i) os << (i ? ", " : "") << input.writes[i];
  os << "], reads [";
  for (std::size_t i = 0; i < input.ops.size(); ++i) os << (i ? ", " : "") << input.ops[i];
  os << "], high-water mark " << input.high << "\n  actions [";
  for (std::size_t i = 0; i < input.actions.size(); ++i) {
    os << (i ? ", " : "");
    showValue(input.actions[i], os);
  }
  os << "]";
}

rc::Gen<CancelInput> gen_cancel_input() {
  namespace gen = rc::gen;
  NetOpMix mix;
  mix.max_n = 24;
  mix.readuntil = true;
  mix.pool = separator_pool();
  const auto action = gen::build<CancelAction>(gen::set(&CancelAction::after_steps, full_range(0, 12)),
                                               gen::set(&CancelAction::reader, gen::arbitrary<bool>()));
  return gen::map(
      gen::tuple(gen_net_plan(), gen::scale(5, gen_bytes("ab\r\n")), gen_write_sizes(64), gen_net_ops(mix),
                 gen::scale(0.3, gen::container<std::vector<CancelAction>>(action)), full_range(0, 65)),
      [](std::tuple<NetPlan, std::string, std::vector<int>, std::vector<Op>, std::vector<CancelAction>, int> t) {
        CancelInput input;
        input.plan = std::move(std::get<0>(t));
        input.data = std::move(std::get<1>(t));
        input.writes = std::move(std::get<2>(t));
        input.ops = std::move(std::get<3>(t));
        input.actions = std::move(std::get<4>(t));
        input.high = std::get<5>(t);
        return input;
      });
}

struct CancelRun {
  explicit CancelRun(CancelInput i) : in(std::move(i)) {}
  CancelInput in;
  std::shared_ptr<ServerEnd> end = std::make_shared<ServerEnd>();
  std::shared_ptr<StreamReader> client_reader;
  std::shared_ptr<StreamWriter> client_writer;
  bool connected = false;
  // the writer's progress
  std::size_t pos = 0;
  std::size_t next_write = 0;
  bool draining = false;
  bool eof_written = false;
  // the reader's progress
  std::size_t next_op = 0;
  bool reading = false;
  std::string delivered;
  bool eof_seen = false;
  std::vector<std::string> violations;
  std::optional<aiostreams::Future<void>> finished;
  int reader_cancels_waiting = 0;
  int writer_cancels_draining = 0;
};

Task<void> writing_task(CancelRun& run) {
  const std::string_view data = run.in.data;
  while (run.pos < data.size()) {
    std::size_t n = data.size() - run.pos;
    if (!run.in.writes.empty())
      n = std::min(n, static_cast<std::size_t>(run.in.writes[run.next_write++ % run.in.writes.size()]));
    run.client_writer->write(data.substr(run.pos, n));
    run.pos += n;
    run.draining = true;
    co_await run.client_writer->drain();
    run.draining = false;
  }
  run.client_writer->write_eof();
  run.eof_written = true;
}

Task<void> reading_task(CancelRun& run) {
  const std::vector<Op>& ops = run.in.ops;
  while (!run.eof_seen) {
    const Op op = ops[run.next_op++ % ops.size()];
    run.reading = true;
    auto doing = perform(run.end->reader, op);
    const Outcome got = co_await doing;
    run.reading = false;
    if (got.kind != Outcome::Kind::value && got.kind != Outcome::Kind::incomplete) {
      std::ostringstream text;
      text << op << " -> " << got;
      run.violations.push_back("unexpected outcome " + text.str());
    }
    run.delivered += got.bytes;
    if (got.kind != Outcome::Kind::value || got.bytes.empty()) run.eof_seen = true;
  }
}

Task<void> idle_session(std::shared_ptr<StreamReader>, std::shared_ptr<StreamWriter>) { co_return; }

Task<void> cancel_main(SimLoop& loop, CancelRun& run) {
  run.finished.emplace(loop);
  SessionFn session = idle_session;
  auto serving = aiostreams::sim::spawn_on(loop, "server", serve(run.end, 1 << 16, std::move(session)));
  auto server = co_await serving;
  auto connecting = aiostreams::sim::spawn_on(loop, "client", connect());
  auto pair = co_await connecting;
  run.client_reader = pair.first;
  run.client_writer = pair.second;
  run.client_writer->transport()->set_write_buffer_limits(static_cast<std::size_t>(run.in.high));
  run.connected = true;
  aiostreams::Future<void> finished = *run.finished;
  co_await finished;
  run.client_writer->close();
  if (run.end->writer) run.end->writer->close();
  server->close();
}

// The test's side: between loop iterations, starts, cancels and replaces the two tasks.
struct Conductor {
  SimLoop& loop;
  CancelRun& run;
  std::optional<aiostreams::Future<void>> writer, reader;
  std::size_t next_action = 0;
  int steps = 0;

  void step() {
    if (!run.connected || run.end->reader == nullptr || run.finished->done()) return;
    if ((!writer || writer->done()) && !run.eof_written) {
      writer = aiostreams::sim::spawn_on(loop, "client", writing_task(run));
    }
    if ((!reader || reader->done()) && !run.eof_seen) {
      reader = aiostreams::sim::spawn_on(loop, "server", reading_task(run));
    }
    const auto& actions = run.in.actions;
    if (next_action < actions.size() && ++steps > actions[next_action].after_steps) {
      steps = 0;
      if (actions[next_action].reader && reader) {
        if (run.reading && !reader->done()) ++run.reader_cancels_waiting;
        reader->cancel();
      } else if (!actions[next_action].reader && writer) {
        if (run.draining && !writer->done()) ++run.writer_cancels_draining;
        writer->cancel();
      }
      ++next_action;
    }
    const ServerEnd& end = *run.end;
    const std::string& data = run.in.data;
    const std::string held(end.reader->buffered_view());
    if (end.received > data.size() || run.delivered + held != data.substr(0, end.received)) {
      RC_FAIL("returned " + quoted(run.delivered) + " + held " + quoted(held) + " != the " +
              std::to_string(end.received) + " bytes that arrived of " + quoted(data));
    }
    if (run.eof_seen && run.eof_written) run.finished->set_result();
  }
};

}  // namespace

TEST_CASE("sim cancellation: cancelling reads and drains at any moment never loses or duplicates bytes") {
  check_property([] {
    const auto input = *gen_cancel_input().as("cancellation case");
    CancelRun run(input);
    HandlerLog log;
    {
      SimLoop loop(input.plan.seed);
      ReleaseBeforeLoop release{*run.end};
      capture_exceptions(loop, log);
      input.plan.apply(loop);
      Conductor conductor{loop, run, {}, {}, 0, 0};
      struct ClientRelease {
        CancelRun& run;
        ~ClientRelease() {
          run.client_writer.reset();
          run.client_reader.reset();
          run.finished.reset();  // its callbacks may hold a task of the loop
        }
      } client_release{run};
      drive(loop, cancel_main(loop, run), [&conductor] { conductor.step(); });
    }
    for (const auto& message : log.messages) RC_LOG() << "exception handler: " << message << "\n";
    assert_no_violations(run.violations);
    assert_no_violations(run.end->violations);
    RC_ASSERT(log.messages.empty());
    RC_ASSERT(run.delivered == input.data);
    RC_ASSERT(run.end->received == input.data.size());
    RC_TAG(run.reader_cancels_waiting > 0 && run.writer_cancels_draining > 0 ? "cancelled a waiting read and a drain"
           : run.reader_cancels_waiting > 0                                  ? "cancelled a waiting read"
           : run.writer_cancels_draining > 0                                 ? "cancelled a drain"
                                                                             : "nothing cancelled while waiting");
  });
}

}  // namespace props::simnet
