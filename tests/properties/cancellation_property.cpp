// Property 4: cancelling a read at any moment never loses or duplicates bytes.
//
// A consumer task runs readline / readuntil / readexactly / read(n) calls. The test drives
// the loop one step at a time (run_once) and, between steps, feeds chunks, cancels the
// consumer (task.cancel()) and, once a cancelled consumer has finished, starts a new one that
// carries on with the next calls. Cancels land anywhere: while a call waits, between
// feed_data() waking it and the task resuming, before a new task has started. After every
// step and at the end (after feed_eof):
//     everything returned (values, and IncompleteReadError partials) + what is buffered
//     == every byte fed, in order.
// read(-1) is left out: CPython's read() loses the blocks it has collected when cancelled
// (reference 1.D item 22), and so does ours.
#include <catch2/catch.hpp>

#include "aiostreams/sim/sim_loop.hpp"
#include "harness.hpp"

namespace props {
namespace {

using aiostreams::StreamReader;
using aiostreams::sim::SimLoop;

struct Action {
  enum class Kind : std::uint8_t { feed, step, run_until_idle, cancel, restart };
  Kind kind = Kind::step;
  std::string chunk;  // feed
};

void showValue(const Action& action, std::ostream& os) {
  switch (action.kind) {
    case Action::Kind::feed: os << "feed(" << quoted(action.chunk) << ")"; return;
    case Action::Kind::step: os << "run_once"; return;
    case Action::Kind::run_until_idle: os << "run_until_idle"; return;
    case Action::Kind::cancel: os << "cancel"; return;
    case Action::Kind::restart: os << "start a new consumer"; return;
  }
}

rc::Gen<Action> gen_action() {
  const auto just = [](Action::Kind kind) { return rc::gen::just(Action{kind, {}}); };
  return rc::gen::weightedOneOf<Action>({{4, rc::gen::map(rc::gen::nonEmpty(gen_bytes("ab\r\n")),
                                                          [](std::string chunk) {
                                                            return Action{Action::Kind::feed, std::move(chunk)};
                                                          })},
                                         {4, just(Action::Kind::step)},
                                         {1, just(Action::Kind::run_until_idle)},
                                         {2, just(Action::Kind::cancel)},
                                         {2, just(Action::Kind::restart)}});
}

}  // namespace

TEST_CASE("cancellation: a read cancelled at any moment never loses or duplicates bytes") {
  check_property([] {
    OpMix mix;
    mix.max_n = 12;
    const auto [ops, actions] =
        *rc::gen::tuple(
             rc::gen::scale(0.3, rc::gen::container<std::vector<Op>>(rc::gen::scale(1.0 / 0.3, gen_op(mix)))),
             rc::gen::scale(0.5, rc::gen::container<std::vector<Action>>(rc::gen::scale(0.2, gen_action()))))
             .as("(read calls, taken in turn by the consumers; actions between loop steps)");

    SimLoop loop;
    StreamReader reader;  // default limit: no overrun, so no byte is ever discarded
    Session session(reader, ops);
    std::string fed;
    std::vector<aiostreams::Future<void>> consumers;
    consumers.push_back(aiostreams::create_task(loop, consume(session)));
    int cancels_while_waiting = 0;
    int cancels_after_wakeup = 0;  // fed while a read waited, cancelled before the loop ran it
    bool fed_since_step = false;

    const auto check = [&](const char* when) {
      const std::string delivered = session.delivered();
      RC_LOG() << when << ": delivered " << quoted(delivered) << " + buffered " << quoted(reader.buffered_view())
               << " vs fed " << quoted(fed) << "\n";
      RC_ASSERT(delivered + std::string(reader.buffered_view()) == fed);
      for (const Outcome& o : session.outcomes) RC_ASSERT(o.kind != Outcome::Kind::other);
    };

    for (const Action& action : actions) {
      switch (action.kind) {
        case Action::Kind::feed:
          fed += action.chunk;
          session.feed(action.chunk);
          fed_since_step = true;
          break;
        case Action::Kind::step:
          loop.run_once();
          fed_since_step = false;
          break;
        case Action::Kind::run_until_idle:
          loop.run_until_idle();
          fed_since_step = false;
          break;
        case Action::Kind::cancel:
          if (session.in_flight && !consumers.back().done()) {
            ++cancels_while_waiting;
            if (fed_since_step) ++cancels_after_wakeup;
          }
          consumers.back().cancel();
          break;
        case Action::Kind::restart:
          // Only one reader may wait at a time: a new consumer starts once the last one ended.
          if (consumers.back().done() && session.next_op < ops.size()) {
            consumers.push_back(aiostreams::create_task(loop, consume(session)));
          }
          break;
      }
      check("after a step");
    }
    // EOF: whatever is pending finishes; the invariant still holds.
    session.feed_eof();
    loop.run_until_idle();
    check("after EOF");
    RC_TAG(cancels_after_wakeup > 0    ? "cancelled between wake-up and resume"
           : cancels_while_waiting > 0 ? "cancelled a waiting read"
                                       : "no read cancelled while waiting");
  });
}

}  // namespace props
