// Property 2: EOF. Bytes arrive in random chunks, then feed_eof(); a consumer starting at a
// random moment (before any data, in between, or after EOF) runs random read calls. With a
// limit no line can exceed, every call's outcome follows from the bytes not yet returned
// (`rest`) and from whether EOF had arrived when it ended:
//   read()           returns all of rest, at EOF (b"" once nothing is left);
//   read(n)          before EOF 1..n bytes of what had arrived; at EOF rest[:n], b"" when empty;
//   readexactly(n)   rest[:n]; at EOF with fewer than n left: IncompleteReadError(partial=rest,
//                    expected=n), and the buffer is empty afterwards;
//   readuntil(seps)  up to the earliest-ending separator (even after EOF); with none left at
//                    EOF: IncompleteReadError(partial=rest, expected=None);
//   readline()       up to "\n"; at EOF the partial last line, then b"".
// at_eof() is true exactly when EOF has arrived and the buffer is empty, checked after every
// call; every call finishes once EOF has arrived.
#include <catch2/catch.hpp>

#include "aiostreams/sim/sim_loop.hpp"
#include "harness.hpp"

namespace props {
namespace {

using aiostreams::StreamReader;
using aiostreams::sim::SimLoop;

// What the call should have returned, given `rest` (everything fed and not yet returned,
// of which `arrived` bytes had been fed) and whether EOF had arrived.
void check_outcome(const Op& op, const Outcome& got, const std::string& rest, std::size_t arrived, bool eof) {
  RC_LOG() << "check " << op << " -> " << got << " with rest " << quoted(rest) << ", " << arrived << " arrived"
           << (eof ? ", at EOF" : "") << "\n";
  switch (op.kind) {
    case Op::Kind::read_all:
      RC_ASSERT(eof);  // read() only returns at EOF
      RC_ASSERT(got == Outcome::value(rest));
      return;
    case Op::Kind::read: {
      const auto n = static_cast<std::size_t>(op.n);
      if (n == 0 || eof) {
        RC_ASSERT(got == Outcome::value(rest.substr(0, n)));
        return;
      }
      RC_ASSERT(got.kind == Outcome::Kind::value);
      RC_ASSERT(!got.bytes.empty());  // b"" only at EOF
      RC_ASSERT(got.bytes.size() <= std::min(n, arrived));
      RC_ASSERT(rest.compare(0, got.bytes.size(), got.bytes) == 0);
      return;
    }
    case Op::Kind::readexactly: {
      const auto n = static_cast<std::size_t>(op.n);
      if (rest.size() < n) {
        RC_ASSERT(eof);
        RC_ASSERT(got == Outcome::incomplete(rest, n));
        RC_ASSERT(got.after.empty());
      } else {
        RC_ASSERT(got == Outcome::value(rest.substr(0, n)));
      }
      return;
    }
    case Op::Kind::readline:
    case Op::Kind::readuntil: {
      const auto match = first_match(rest, separators_of(op));
      if (match) {
        RC_ASSERT(got == Outcome::value(rest.substr(0, match->second)));
        return;
      }
      RC_ASSERT(eof);
      if (op.kind == Op::Kind::readline) {
        RC_ASSERT(got == Outcome::value(rest));  // the partial last line, or b""
      } else {
        RC_ASSERT(got == Outcome::incomplete(rest, std::nullopt));
      }
      RC_ASSERT(got.after.empty());
      return;
    }
  }
}

}  // namespace

TEST_CASE("eof: reads return what remains and then report EOF") {
  check_property([] {
    OpMix mix;
    mix.read_all = true;
    mix.max_n = 12;
    const auto [data, ops, cuts, start_pick] =
        *rc::gen::tuple(gen_bytes("ab\r\n"), rc::gen::scale(0.3, rc::gen::container<std::vector<Op>>(gen_op(mix))),
                        gen_cuts(), full_range<std::size_t>(0, 40))
             .as("(data, read calls, cuts, consumer starts before chunk #: past the end = after EOF)");
    const auto chunks = split_at(data, cuts);
    const auto start = std::min(start_pick, chunks.size() + 1);
    // No overrun is possible: every line fits the limit.
    const auto limit = static_cast<std::int64_t>(data.size()) + 1;

    SimLoop loop;
    StreamReader reader(limit);
    Session session(reader, ops);
    std::optional<aiostreams::Future<void>> consumer;
    const auto start_consumer = [&] {
      consumer = aiostreams::create_task(loop, consume(session));
      loop.run_until_idle();
    };
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      if (i == start) start_consumer();
      session.feed(chunks[i]);
      loop.run_until_idle();
      RC_ASSERT(!reader.at_eof());
    }
    if (start == chunks.size()) start_consumer();
    session.feed_eof();
    loop.run_until_idle();
    if (start > chunks.size()) start_consumer();

    RC_ASSERT(consumer->done());  // nothing waits forever once EOF has arrived
    RC_ASSERT(session.outcomes.size() == ops.size());
    std::size_t position = 0;  // bytes of data returned so far
    for (const Outcome& got : session.outcomes) {
      const Op& op = ops[got.op_index];
      const std::string rest = data.substr(position);
      check_outcome(op, got, rest, got.fed_at_end - position, got.eof_at_end);
      position += got.bytes.size();
      RC_ASSERT(got.after == data.substr(position, got.fed_at_end - position));
      RC_ASSERT(got.at_eof_after == (got.eof_at_end && position == data.size()));
    }
    RC_ASSERT(reader.buffered_view() == data.substr(position));
    RC_ASSERT(reader.at_eof() == (position == data.size()));
    RC_TAG(position == data.size() ? "all data read" : "data left");
  });
}

}  // namespace props
