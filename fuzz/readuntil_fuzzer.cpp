// readuntil_fuzzer: the input bytes choose a limit, up to three separators, how data is
// chunked, where EOF comes, and a sequence of readuntil/readline/readexactly/read calls and
// cancels. Each action runs on our StreamReader (one task per call on a SimLoop, then
// run_until_idle) and on the reference model of reader_model.hpp; the first difference in
// an outcome, the buffer or at_eof() stops the run with a report (and abort()).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "aiostreams/errors.hpp"
#include "aiostreams/future.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/stream_reader.hpp"
#include "aiostreams/task.hpp"
#include "reader_model.hpp"

namespace {

using aiostreams_fuzz::Call;
using aiostreams_fuzz::ModelReader;
using aiostreams_fuzz::Outcome;

constexpr std::size_t max_actions = 32;
constexpr std::size_t max_total_feed = 1u << 20;

// Reads the input front to back; past the end every draw is 0.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  bool empty() const { return pos_ >= size_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

// Bytes that make separators overlap and recur.
constexpr char alphabet[] = {'a', 'b', '\r', '\n'};

// Well-known separators, many of them overlapping each other.
const char* const common_separators[] = {"\n",  "\r\n", "a",    "aa", "ab", "aba",  "\r\n\r\n", "ba",
                                         "aab", "\n\n", "abab", "bb", "\r", "aaaa", "b\r\n",    "abcdefgh"};

std::string draw_separator(Input& in) {
  const std::uint8_t mode = in.byte();
  if (mode < 160) return common_separators[mode % 16];
  if (mode == 255) return std::string();  // the empty separator: ValueError
  std::string sep;
  const std::size_t length = 1 + in.byte() % 8;
  for (std::size_t i = 0; i < length; ++i) {
    const std::uint8_t b = in.byte();
    sep += (mode & 1) != 0 ? static_cast<char>(b) : alphabet[b % 4];
  }
  return sep;
}

std::int64_t draw_limit(Input& in) {
  const std::uint8_t mode = in.byte();
  if (mode < 232) return 1 + mode % 64;
  if (mode < 240) return aiostreams::StreamReader::default_limit;
  return 1 + (static_cast<std::int64_t>(in.byte()) << 4 | in.byte() % 16);
}

// A chunk: header bit 7 = long (repeat the pattern up to ~limit size), bit 6 = raw bytes
// instead of the separator alphabet, low bits = pattern length.
std::string draw_chunk(Input& in, std::int64_t limit) {
  const std::uint8_t header = in.byte();
  const std::size_t length = header & 0x1f;
  std::string pattern;
  for (std::size_t i = 0; i < length; ++i) {
    const std::uint8_t b = in.byte();
    pattern += (header & 0x40) != 0 ? static_cast<char>(b) : alphabet[b % 4];
  }
  if ((header & 0x80) == 0 || pattern.empty()) return pattern;
  // Long: about limit bytes plus or minus a little, so both overrun branches get hit even
  // with the default limit.
  const std::int64_t plus = (header & 0x20) != 0 ? in.byte() % 8 : 0;
  const std::int64_t minus = in.byte() % 4;
  const auto target = static_cast<std::size_t>(std::max<std::int64_t>(1, limit + plus - minus));
  std::string chunk = pattern;
  chunk.reserve(2 * target);
  while (chunk.size() < target) chunk.append(chunk);  // doubling: a few appends, not thousands
  chunk.resize(target);
  return chunk;
}

// The first pass runs without building any text (formatting every step is most of the cost
// under ASan); when it finds a difference the input is run again with `verbose` set, which
// logs every step and aborts with the report.
struct Report {
  const std::uint8_t* data;
  std::size_t size;
  std::int64_t limit;
  bool verbose;
  std::vector<std::string> log;

  struct Difference {};

  template <class Describe>
  void note(Describe&& describe) {
    if (verbose) log.push_back(describe());
  }

  [[noreturn]] void fail(const std::string& what) const {
    if (!verbose) throw Difference{};
    std::fprintf(stderr, "\n==== readuntil_fuzzer: our StreamReader differs from the model ====\n");
    std::fprintf(stderr, "input (%zu bytes): ", size);
    for (std::size_t i = 0; i < size; ++i) std::fprintf(stderr, "%02x", data[i]);
    std::fprintf(stderr, "\nlimit=%lld\n", static_cast<long long>(limit));
    for (std::size_t i = 0; i < log.size(); ++i) std::fprintf(stderr, "  step %zu: %s\n", i, log[i].c_str());
    std::fprintf(stderr, "difference at step %zu: %s\n", log.empty() ? 0 : log.size() - 1, what.c_str());
    std::abort();
  }
};

Outcome outcome_of(aiostreams::Future<std::string>& task) {
  Outcome out;
  if (task.cancelled()) {
    out.kind = Outcome::Kind::cancelled;
    return out;
  }
  std::exception_ptr error = task.exception();
  if (!error) {
    out.kind = Outcome::Kind::value;
    out.bytes = task.result();
    return out;
  }
  try {
    std::rethrow_exception(error);
  } catch (const aiostreams::IncompleteReadError& e) {
    out.kind = Outcome::Kind::incomplete_read;
    out.bytes = e.partial();
    if (e.expected()) out.number = static_cast<std::int64_t>(*e.expected());
  } catch (const aiostreams::LimitOverrunError& e) {
    out.kind = Outcome::Kind::limit_overrun;
    out.message = e.what();
    out.number = static_cast<std::int64_t>(e.consumed());
  } catch (const aiostreams::ValueError& e) {
    out.kind = Outcome::Kind::value_error;
    out.message = e.what();
  } catch (const aiostreams::CancelledError&) {
    out.kind = Outcome::Kind::cancelled;
  } catch (const std::exception& e) {
    out.kind = Outcome::Kind::value_error;
    out.message = std::string("<unexpected exception: ") + e.what() + ">";
  }
  return out;
}

aiostreams::Task<std::string> run_call(aiostreams::StreamReader& reader, Call call, bool single_overload) {
  switch (call.kind) {
    case Call::Kind::readuntil:
      if (single_overload) co_return co_await reader.readuntil(std::string_view(call.separators.front()));
      co_return co_await reader.readuntil(std::move(call.separators));
    case Call::Kind::readline: co_return co_await reader.readline();
    case Call::Kind::readexactly: co_return co_await reader.readexactly(call.n);
    case Call::Kind::read: co_return co_await reader.read(call.n);
  }
  co_return std::string();
}

Call draw_call(Input& in, std::uint8_t action, const std::vector<std::string>& separators) {
  Call call;
  switch (action) {
    case 0:
    case 1:
    case 2: {
      call.kind = Call::Kind::readuntil;
      const std::uint8_t pick = in.byte();
      // bits 0-2: which of the separators; bit 3: reversed order; 0 picked = the empty tuple
      // (only when bit 4 is set, otherwise the first separator).
      for (std::size_t i = 0; i < separators.size(); ++i) {
        if ((pick >> i) & 1) call.separators.push_back(separators[i]);
      }
      if (call.separators.empty() && (pick & 0x10) == 0) call.separators.push_back(separators[0]);
      if (pick & 0x08) std::reverse(call.separators.begin(), call.separators.end());
      return call;
    }
    case 3: call.kind = Call::Kind::readline; return call;
    case 4: {
      call.kind = Call::Kind::readexactly;
      const std::uint8_t b = in.byte();
      call.n = b == 255 ? -1 : b % 80;
      return call;
    }
    default: {
      call.kind = Call::Kind::read;
      const std::uint8_t b = in.byte();
      call.n = b < 32 ? -1 : b < 40 ? 0 : b % 96 + 1;
      return call;
    }
  }
}

}  // namespace

namespace {
void run_input(const std::uint8_t* data, std::size_t size, bool verbose) {
  Input in(data, size);
  Report report{data, size, 0, verbose, {}};
  const std::int64_t limit = draw_limit(in);
  report.limit = limit;
  std::vector<std::string> separators;
  const std::size_t separator_count = 1 + in.byte() % 3;
  for (std::size_t i = 0; i < separator_count; ++i) separators.push_back(draw_separator(in));

  aiostreams::sim::SimLoop loop;
  aiostreams::StreamReader reader(limit);
  ModelReader model(limit);
  std::optional<aiostreams::Future<std::string>> task;  // the pending call on our reader
  std::string task_name;
  std::size_t total_feed = 0;

  auto check = [&](const std::optional<Outcome>& expected) {
    // The call's outcome.
    const bool ours_done = task.has_value() && task->done();
    const bool had_task = task.has_value();
    if (expected) {
      if (!had_task) report.fail("the model finished a call that our reader never started");
      if (!ours_done) report.fail(task_name + ": model " + expected->describe() + "; ours is still waiting");
      const Outcome ours = outcome_of(*task);
      if (!(ours == *expected)) {
        report.fail(task_name + ": model " + expected->describe() + "; ours " + ours.describe());
      }
      task.reset();
    } else if (ours_done) {
      report.fail(task_name + ": model must wait; ours " + outcome_of(*task).describe());
    }
    if (had_task && !task && model.pending()) report.fail("model still pending after completion");
    // The buffer and at_eof().
    if (reader.buffered_view() != model.buffer()) {
      report.fail("buffer differs: model has " + std::to_string(model.buffer().size()) + " bytes, ours " +
                  std::to_string(reader.buffered()) + " bytes");
    }
    if (reader.at_eof() != model.at_eof()) report.fail("at_eof() differs");
  };

  for (std::size_t count = 0; count < max_actions && !in.empty(); ++count) {
    const std::uint8_t action = in.byte() % 12;
    if (action <= 5) {
      // Start a call, unless one is pending (one waiter at a time keeps the model simple).
      if (task) continue;
      Call call = draw_call(in, action, separators);
      const bool single = call.kind == Call::Kind::readuntil && call.separators.size() == 1 && (in.byte() & 1);
      if (verbose) task_name = call.describe();
      report.note([&] { return "start " + task_name + (single ? " [string_view overload]" : ""); });
      task = aiostreams::create_task(loop, run_call(reader, call, single));
      loop.run_until_idle();
      check(model.start(call));
    } else if (action <= 8 || action == 10) {
      std::string chunk = draw_chunk(in, limit);
      if (model.eof() || total_feed + chunk.size() > max_total_feed) continue;
      total_feed += chunk.size();
      report.note([&] { return "feed_data(" + aiostreams_fuzz::quote_bytes(chunk, 40) + ")"; });
      reader.feed_data(chunk);
      loop.run_until_idle();
      check(model.feed_data(chunk));
    } else if (action == 9) {
      report.note([] { return std::string("feed_eof()"); });
      reader.feed_eof();
      loop.run_until_idle();
      check(model.feed_eof());
    } else {
      if (!task) continue;
      report.note([&] { return "cancel " + task_name; });
      task->cancel();
      loop.run_until_idle();
      check(model.cancel());
    }
  }
  // Leave nothing pending on the loop: cancel the last call and let it finish.
  if (task && !task->done()) {
    task->cancel();
    loop.run_until_idle();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    run_input(data, size, false);
  } catch (const Report::Difference&) {
    run_input(data, size, true);  // the same run again, logged; aborts with the report
  }
  return 0;
}
