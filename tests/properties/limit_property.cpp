// Property 3: the limit.
//
// (a) Overrun bookkeeping, for any bytes, small limits, chunking and read calls. Let `before`
//     be the buffer the failing attempt saw (the buffer when the call started plus what
//     arrived while it waited: a call consumes nothing until it ends).
//     - readuntil's LimitOverrunError leaves the buffer byte-for-byte equal to `before`;
//       consumed() is the start of the match readuntil takes ("found": earliest end, shorter
//       separator on a tie) when `before` holds a separator, else len(before)+1-max_seplen
//       ("not found"); either way consumed() > limit, with CPython's message for the case.
//     - readline's ValueError discards exactly consumed+1 bytes when `before` has the "\n"
//       at consumed (consumed = its first "\n", > limit), else the whole buffer (which
//       was longer than the limit).
//     - a successful readuntil/readline returns before[:match_end] with match start <= limit.
// (b) Flow control with a recording transport and a flooding feeder that feeds a chunk
//     whenever the transport is reading: pause_reading() is called exactly when a feed
//     leaves more than 2*limit bytes buffered (and only once); resume_reading() only when a
//     read leaves at most `limit` bytes or when a read must wait (the reader is then waiting on
//     that same call with that same buffer); a waiting read never sits behind a paused
//     transport; a paused reader holds more than `limit` bytes; and the buffer never exceeds
//     2*limit plus one chunk (or what a waiting readexactly(n) needs plus one chunk).
#include <catch2/catch.hpp>
#include <set>

#include "aiostreams/sim/sim_loop.hpp"
#include "harness.hpp"

namespace props {
namespace {

using aiostreams::StreamReader;
using aiostreams::sim::SimLoop;

// Checks one call; returns a label for the coverage tags ("" for none).
std::string check_limit_outcome(const Op& op, const Outcome& got, std::int64_t limit) {
  if (op.kind != Op::Kind::readline && op.kind != Op::Kind::readuntil) return "";
  RC_LOG() << "check " << op << " -> " << got << " with buffer " << quoted(got.before) << " then " << quoted(got.after)
           << ", limit " << limit << "\n";
  const auto separators = separators_of(op);
  const auto match = first_match(got.before, separators);
  const auto ulimit = static_cast<std::size_t>(limit);
  switch (got.kind) {
    case Outcome::Kind::overrun:
      RC_ASSERT(op.kind == Op::Kind::readuntil);
      RC_ASSERT(got.after == got.before);  // byte-for-byte intact
      if (match) {
        RC_ASSERT(got.message == found_message);
        RC_ASSERT(got.consumed == match->first);
      } else {
        RC_ASSERT(got.message == not_found_message);
        RC_ASSERT(got.consumed + longest_separator(separators) == got.before.size() + 1);
      }
      RC_ASSERT(got.consumed > ulimit);
      return match ? "readuntil overrun, found" : "readuntil overrun, not found";
    case Outcome::Kind::value_error:
      RC_ASSERT(op.kind == Op::Kind::readline);
      if (match) {
        RC_ASSERT(got.message == found_message);
        RC_ASSERT(match->first > ulimit);
        RC_ASSERT(got.after == got.before.substr(match->first + 1));
      } else {
        RC_ASSERT(got.message == not_found_message);
        RC_ASSERT(got.before.size() > ulimit);
        RC_ASSERT(got.after.empty());
      }
      return match ? "readline overrun, found" : "readline overrun, not found";
    case Outcome::Kind::value:
      if (match && got.bytes.size() == match->second) {
        RC_ASSERT(got.bytes == got.before.substr(0, match->second));
        RC_ASSERT(match->first <= ulimit);
        RC_ASSERT(got.after == got.before.substr(match->second));
        return "";
      }
      // Otherwise only readline's partial last line at EOF.
      RC_ASSERT(op.kind == Op::Kind::readline);
      RC_ASSERT(got.eof_at_end);
      RC_ASSERT(got.bytes == got.before);
      return "";
    case Outcome::Kind::incomplete:
      RC_ASSERT(got.eof_at_end);
      RC_ASSERT(got.bytes == got.before);
      return "";
    default: break;
  }
  RC_FAIL("unexpected outcome");
}

}  // namespace

TEST_CASE("limit: readuntil overrun keeps the buffer and readline overrun discards by the rule") {
  check_property([] {
    OpMix mix;
    mix.max_n = 8;
    const auto [data, limit, ops, cuts, eof] = *rc::gen::tuple(gen_bytes("aab\r\n"), full_range<std::int64_t>(1, 17),
                                                               gen_ops(mix), gen_cuts(), rc::gen::arbitrary<bool>())
                                                    .as("(data, limit, read calls, cuts, feed_eof at the end)");
    const auto chunks = split_at(data, cuts);

    SimLoop loop;
    StreamReader reader(limit);
    Session session(reader, ops);
    auto consumer = aiostreams::create_task(loop, consume(session));
    loop.run_until_idle();
    for (const auto& chunk : chunks) {
      session.feed(chunk);
      loop.run_until_idle();
    }
    if (eof) {
      session.feed_eof();
      loop.run_until_idle();
    }
    std::set<std::string> seen;
    for (const Outcome& got : session.outcomes) {
      const std::string label = check_limit_outcome(ops[got.op_index], got, limit);
      if (!label.empty()) seen.insert(label);
    }
    std::string tags;
    for (const auto& label : seen) tags += (tags.empty() ? "" : "; ") + label;
    RC_TAG(tags.empty() ? std::string("no overrun") : tags);
    if (!consumer.done()) {
      consumer.cancel();
      loop.run_until_idle();
    }
  });
}

namespace {

// Records the reader's flow-control calls, with the buffer size and the consumer's state at
// each, and acts like a transport: the feeder only feeds while it is reading.
struct RecordingTransport : aiostreams::ReadTransport {
  struct Call {
    bool pause;
    std::size_t buffered;
    bool in_flight;
    std::size_t op;
  };
  const StreamReader* reader = nullptr;
  const Session* session = nullptr;
  bool paused = false;
  std::vector<Call> calls;
  std::string misuse;

  void pause_reading() override {
    if (paused) misuse = "pause_reading() while paused";
    paused = true;
    calls.push_back(Call{true, reader->buffered(), session->in_flight, session->current_op});
  }
  void resume_reading() override {
    if (!paused) misuse = "resume_reading() while reading";
    paused = false;
    calls.push_back(Call{false, reader->buffered(), session->in_flight, session->current_op});
  }
  bool is_reading() const override { return !paused; }
};

}  // namespace

TEST_CASE("flow control: a flooding feeder never makes the reader hold more than 2*limit plus one chunk") {
  check_property([] {
    OpMix mix;
    mix.max_n = 50;                  // readexactly beyond 2*limit must resume the transport to finish
    mix.pool = {"\n", "\r\n", "b"};  // separators of at most 2 bytes
    const auto [limit, chunks, ops] =
        *rc::gen::tuple(full_range<std::int64_t>(1, 17),
                        rc::gen::scale(0.6, rc::gen::container<std::vector<std::string>>(
                                                rc::gen::resize(36, rc::gen::nonEmpty(gen_bytes("ab\r\n"))))),
                        gen_ops(mix))
             .as("(limit, chunks the feeder offers, read calls)");
    const auto ulimit = static_cast<std::size_t>(limit);

    SimLoop loop;
    StreamReader reader(limit);
    Session session(reader, ops);
    auto transport = std::make_shared<RecordingTransport>();
    transport->reader = &reader;
    transport->session = &session;
    reader.set_transport(transport);
    auto consumer = aiostreams::create_task(loop, consume(session));
    loop.run_until_idle();

    std::size_t next_chunk = 0;
    bool resumed_while_waiting = false;
    while (next_chunk < chunks.size()) {
      std::size_t checked = transport->calls.size();
      // Paused after the last step, with no read waiting (checked below): nothing will ever
      // resume it, and a real transport would deliver nothing more.
      if (transport->paused) break;
      const std::string& chunk = chunks[next_chunk++];
      const std::size_t before = reader.buffered();
      // While reading, the buffer is at most 2*limit unless a waiting readexactly needs more.
      std::size_t allowed = 2 * ulimit;
      if (session.in_flight && ops[session.current_op].kind == Op::Kind::readexactly && ops[session.current_op].n > 0) {
        allowed = std::max(allowed, static_cast<std::size_t>(ops[session.current_op].n) - 1);
      }
      RC_ASSERT(before <= allowed);
      session.feed(chunk);
      RC_ASSERT(reader.buffered() <= allowed + chunk.size());
      // pause exactly when this feed leaves more than 2*limit buffered.
      const bool should_pause = reader.buffered() > 2 * ulimit;
      RC_ASSERT(transport->paused == should_pause);
      RC_ASSERT(transport->calls.size() == checked + (should_pause ? 1 : 0));
      RC_ASSERT(reader.reading_paused() == should_pause);
      checked = transport->calls.size();

      loop.run_until_idle();
      RC_ASSERT(transport->misuse.empty());
      for (std::size_t i = checked; i < transport->calls.size(); ++i) {
        const auto& call = transport->calls[i];
        RC_ASSERT(!call.pause);  // reads never pause
        resumed_while_waiting = resumed_while_waiting || call.buffered > ulimit;
        if (call.buffered > ulimit) {
          // Resumed with more than `limit` buffered: only because that read must wait, and it
          // is still waiting on the same buffer.
          RC_ASSERT(call.in_flight);
          RC_ASSERT(session.in_flight);
          RC_ASSERT(session.current_op == call.op);
          RC_ASSERT(reader.buffered() == call.buffered);
        }
      }
      // No waiting read behind a paused transport; a paused reader holds more than `limit`.
      if (transport->paused) {
        RC_ASSERT(!session.in_flight);
        RC_ASSERT(reader.buffered() > ulimit);
      }
    }
    RC_TAG(transport->calls.empty()      ? "never paused"
           : resumed_while_waiting       ? "resumed because a read waits"
           : transport->calls.size() > 1 ? "resumed after reads"
                                         : "paused only");
    if (!consumer.done()) {
      consumer.cancel();
      loop.run_until_idle();
    }
  });
}

}  // namespace props
