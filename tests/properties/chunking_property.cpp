// Property 1: chunking independence.
//
// (a) For any bytes, limit, read calls and segmentation, the real reader gives exactly what
//     the chunking-aware reference model gives (reference_model.hpp), for two random
//     segmentations and for the single chunk. This covers the cases where the limit makes
//     the outcome depend on the chunking (which overrun, and when).
// (b) When no overrun is possible (limit >= the number of bytes), the outcomes of readline,
//     readuntil and readexactly do not depend on the chunking at all: two random
//     segmentations give what the single chunk gives. (read(n) is left out of (b): it
//     returns what is buffered, which depends on the chunking by design; (a) covers it.)
#include <catch2/catch.hpp>

#include "aiostreams/sim/sim_loop.hpp"
#include "harness.hpp"
#include "reference_model.hpp"

namespace props {
namespace {

using aiostreams::StreamReader;
using aiostreams::sim::SimLoop;

struct Run {
  std::vector<Outcome> outcomes;
  std::string remaining;
  bool at_eof = false;
};

// Each feed is its own loop step: feed, then run until idle.
Run run_real(std::int64_t limit, const std::vector<Op>& ops, const std::vector<std::string>& chunks, bool eof) {
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
  Run run{session.outcomes, std::string(reader.buffered_view()), reader.at_eof()};
  if (!consumer.done()) {
    consumer.cancel();
    loop.run_until_idle();
  }
  return run;
}

Run run_model(std::int64_t limit, const std::vector<Op>& ops, const std::vector<std::string>& chunks, bool eof) {
  ReferenceReader model(limit, ops);
  model.start();
  for (const auto& chunk : chunks) model.feed(chunk);
  if (eof) model.feed_eof();
  return Run{model.outcomes(), model.buffer(), model.at_eof()};
}

std::string describe(const std::vector<std::string>& chunks) {
  std::string text = "[";
  for (std::size_t i = 0; i < chunks.size(); ++i) text += (i ? ", " : "") + quoted(chunks[i]);
  return text + "]";
}

void expect_same(const Run& actual, const Run& expected, const std::string& what) {
  RC_LOG() << what << ":\n  got      " << actual.outcomes << " remaining " << quoted(actual.remaining)
           << "\n  expected " << expected.outcomes << " remaining " << quoted(expected.remaining) << "\n";
  RC_ASSERT(actual.outcomes == expected.outcomes);
  RC_ASSERT(actual.remaining == expected.remaining);
  RC_ASSERT(actual.at_eof == expected.at_eof);
}

rc::Gen<std::int64_t> gen_limit() {
  return rc::gen::weightedOneOf<std::int64_t>({{5, full_range<std::int64_t>(1, 9)},
                                               {4, full_range<std::int64_t>(1, 65)},
                                               {1, rc::gen::just(StreamReader::default_limit)}});
}

}  // namespace

TEST_CASE("chunking: reads under any two segmentations match the chunking-aware model") {
  check_property([] {
    // One pick: RapidCheck shrinks the parts of a tuple together (separate picks stop shrinking
    // the earlier ones once a later one has shrunk).
    const auto [data, limit, ops, eof, cuts_a, cuts_b] =
        *rc::gen::tuple(gen_bytes("ab\r\n"), gen_limit(), gen_ops(OpMix{}), rc::gen::arbitrary<bool>(), gen_cuts(),
                        gen_cuts())
             .as("(data, limit, read calls, feed_eof at the end, cuts A, cuts B)");
    const auto first = split_at(data, cuts_a);
    const auto second = split_at(data, cuts_b);
    RC_LOG() << "segmentation A " << describe(first) << "\nsegmentation B " << describe(second) << "\n";
    std::vector<Run> runs;
    for (const auto& chunks : {std::vector<std::string>{data}, first, second}) {
      runs.push_back(run_real(limit, ops, chunks, eof));
      expect_same(runs.back(), run_model(limit, ops, chunks, eof), "reader vs model, chunks " + describe(chunks));
    }
    bool overrun = false;
    for (const Run& run : runs) {
      for (const Outcome& o : run.outcomes) {
        overrun = overrun || o.kind == Outcome::Kind::overrun || o.kind == Outcome::Kind::value_error;
      }
    }
    const bool chunking_mattered = runs[1].outcomes != runs[0].outcomes || runs[2].outcomes != runs[0].outcomes;
    RC_TAG(overrun ? "overrun" : "no overrun", chunking_mattered ? "chunking changed the outcomes" : "same outcomes");
  });
}

TEST_CASE("chunking: without a possible overrun the results do not depend on the segmentation") {
  check_property([] {
    OpMix mix;
    mix.read = false;
    // limit >= the data size: the default, or the data size plus `extra`.
    const auto [data, use_default, extra, ops, eof, cuts_a, cuts_b] =
        *rc::gen::tuple(
             gen_bytes("ab\r\n"), rc::gen::weightedOneOf<bool>({{3, rc::gen::just(false)}, {1, rc::gen::just(true)}}),
             full_range<std::int64_t>(0, 65), gen_ops(mix), rc::gen::arbitrary<bool>(), gen_cuts(), gen_cuts())
             .as("(data, default limit, limit minus the data size, read calls, feed_eof at the end, cuts A, cuts B)");
    const auto limit = use_default ? StreamReader::default_limit
                                   : std::max<std::int64_t>(1, static_cast<std::int64_t>(data.size()) + extra);
    RC_LOG() << "limit " << limit << "\n";
    const auto first = split_at(data, cuts_a);
    const auto second = split_at(data, cuts_b);
    const Run whole = run_real(limit, ops, {data}, eof);
    expect_same(run_real(limit, ops, first, eof), whole, "segmentation A " + describe(first) + " vs one chunk");
    expect_same(run_real(limit, ops, second, eof), whole, "segmentation B " + describe(second) + " vs one chunk");
    for (const Outcome& o : whole.outcomes) {
      RC_ASSERT(o.kind != Outcome::Kind::overrun);
      RC_ASSERT(o.kind != Outcome::Kind::value_error);
    }
  });
}

}  // namespace props
