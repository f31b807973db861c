// Shared pieces of the StreamReader properties: read calls as data, their outcomes, a
// consumer coroutine that runs them against a real reader on a SimLoop, generators, and
// check_property(), which runs a property under RapidCheck and prints a replay command.
#pragma once

#include <rapidcheck.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aiostreams/stream_reader.hpp"
#include "aiostreams/task.hpp"

namespace props {

// ---- read calls and their outcomes -------------------------------------------------------

/// One read call. readuntil with one separator uses the single-separator overload, with
/// several the list overload (Python's tuple).
struct Op {
  enum class Kind : std::uint8_t { readline, readuntil, readexactly, read, read_all };
  Kind kind = Kind::readline;
  std::vector<std::string> separators;  // readuntil
  std::int64_t n = 0;                   // readexactly, read

  static Op readline() { return Op{Kind::readline, {}, 0}; }
  static Op readuntil(std::vector<std::string> separators) { return Op{Kind::readuntil, std::move(separators), 0}; }
  static Op readexactly(std::int64_t n) { return Op{Kind::readexactly, {}, n}; }
  static Op read(std::int64_t n) { return Op{Kind::read, {}, n}; }
  static Op read_all() { return Op{Kind::read_all, {}, -1}; }
};

/// What one read call did. Equality compares the result only, not the context fields.
struct Outcome {
  enum class Kind : std::uint8_t { value, incomplete, overrun, value_error, cancelled, other };
  Kind kind = Kind::value;
  std::string bytes;                    // value, or IncompleteReadError::partial()
  std::optional<std::size_t> expected;  // IncompleteReadError::expected()
  std::size_t consumed = 0;             // LimitOverrunError::consumed()
  std::string message;                  // overrun, value_error, other

  // Context recorded by the consumer (not compared):
  std::size_t op_index = 0;
  std::string before;          // the buffer when the call started, plus everything fed while it waited
  std::string after;           // the buffer right after the call ended
  std::size_t fed_at_end = 0;  // bytes fed in total when the call ended
  bool eof_at_end = false;     // feed_eof() had been called when the call ended
  bool at_eof_after = false;   // reader.at_eof() right after the call ended

  static Outcome value(std::string bytes) { return with(Kind::value, std::move(bytes)); }
  static Outcome incomplete(std::string partial, std::optional<std::size_t> expected) {
    Outcome o = with(Kind::incomplete, std::move(partial));
    o.expected = expected;
    return o;
  }
  static Outcome overrun(std::size_t consumed, std::string message) {
    Outcome o = with(Kind::overrun, {});
    o.consumed = consumed;
    o.message = std::move(message);
    return o;
  }
  static Outcome value_error(std::string message) {
    Outcome o = with(Kind::value_error, {});
    o.message = std::move(message);
    return o;
  }

 private:
  static Outcome with(Kind kind, std::string bytes) {
    Outcome o;
    o.kind = kind;
    o.bytes = std::move(bytes);
    return o;
  }
};

bool operator==(const Outcome& a, const Outcome& b);

// CPython's messages (reference 1.L).
inline constexpr std::string_view not_found_message = "Separator is not found, and chunk exceed the limit";
inline constexpr std::string_view found_message = "Separator is found, but chunk is longer than limit";

// RapidCheck prints counterexamples with showValue (found by ADL).
void showValue(const Op& op, std::ostream& os);
void showValue(const Outcome& outcome, std::ostream& os);
std::ostream& operator<<(std::ostream& os, const Op& op);
std::ostream& operator<<(std::ostream& os, const Outcome& outcome);
std::ostream& operator<<(std::ostream& os, const std::vector<Outcome>& outcomes);
/// Bytes as a C-style quoted string ("ab\r\n").
std::string quoted(std::string_view bytes);

/// The separators in CPython's order: a stable sort by length.
std::vector<std::string> sorted_separators(std::vector<std::string> separators);
/// The match readuntil takes in `buffer` from `from`: the earliest end, the shorter separator
/// on a tie. Returns (start, end) or nullopt.
std::optional<std::pair<std::size_t, std::size_t>> first_match(std::string_view buffer,
                                                               const std::vector<std::string>& separators,
                                                               std::size_t from = 0);
/// The separators an Op searches for ("\n" for readline).
std::vector<std::string> separators_of(const Op& op);
std::size_t longest_separator(const std::vector<std::string>& separators);

// ---- driving a real reader ----------------------------------------------------------------

/// What the driver (the test) and the consumer coroutine share. The driver feeds through
/// feed()/feed_eof() so that the consumer can record what arrived while it waited.
struct Session {
  explicit Session(aiostreams::StreamReader& r, std::vector<Op> operations = {})
      : reader(r), ops(std::move(operations)) {}

  aiostreams::StreamReader& reader;
  std::vector<Op> ops;
  std::size_t next_op = 0;  // consumers take ops from here, in order
  std::vector<Outcome> outcomes;
  bool in_flight = false;      // a consumer is inside a read call
  std::size_t current_op = 0;  // the op in flight
  std::string fed_during_op;   // bytes fed since the op in flight started
  std::size_t fed_total = 0;
  bool eof_fed = false;

  void feed(std::string_view chunk);
  void feed_eof();
  /// The outcomes' returned bytes (values and IncompleteReadError partials), in order.
  std::string delivered() const;
};

/// Starts one read call on `reader` (the awaitable of the matching StreamReader method).
aiostreams::ReadOperation start_read(aiostreams::StreamReader& reader, const Op& op);

/// Runs session.ops from session.next_op to the end, one at a time, recording an Outcome for
/// each. A CancelledError is recorded and then propagates (the task ends cancelled).
aiostreams::Task<void> consume(Session& session);

/// Splits `data` at the given cuts (any order; equal cuts give empty chunks). A cut c in
/// [0, cut_scale) falls at byte c * (size + 1) / cut_scale, so the cuts do not depend on the
/// data: RapidCheck regenerates picks that depend on an earlier one when that one shrinks,
/// and a segmentation that moved would lose the failure and stop the data from shrinking.
inline constexpr std::size_t cut_scale = 1024;
std::vector<std::string> split_at(const std::string& data, std::vector<std::size_t> cuts);

// ---- generators ---------------------------------------------------------------------------

/// A value in [min, max), uniformly whatever RapidCheck's current size (gen::inRange alone
/// only reaches size% of the range); it still shrinks towards min.
template <class T>
rc::Gen<T> full_range(T min, T max) {
  return rc::gen::resize(rc::kNominalSize, rc::gen::inRange<T>(min, max));
}

/// Bytes over a small alphabet, so that separators occur.
rc::Gen<std::string> gen_bytes(std::string alphabet);
/// Cuts for split_at: a random segmentation (shrinks towards one chunk).
rc::Gen<std::vector<std::size_t>> gen_cuts();
/// A separator list for readuntil: one separator or several (2-3) from `pool`.
rc::Gen<std::vector<std::string>> gen_separators(std::vector<std::string> pool);
/// The separators used with the "ab\r\n" alphabet.
const std::vector<std::string>& separator_pool();

/// Which read calls a generated op may be.
struct OpMix {
  bool readline = true;
  bool readuntil = true;
  bool readexactly = true;
  bool read = true;
  bool read_all = false;
  std::int64_t max_n = 24;  // readexactly/read sizes are 0..max_n
  std::vector<std::string> pool = separator_pool();
};
rc::Gen<Op> gen_op(OpMix mix);
/// A short list of ops (about a fifth of RapidCheck's size).
rc::Gen<std::vector<Op>> gen_ops(OpMix mix);

// ---- running a property ----------------------------------------------------------------------

/// Default successful cases per property when RC_PARAMS sets no max_success.
inline constexpr int default_cases = 300;

/// Set by main(): the executable's path, for the replay command.
void set_program_path(std::string path);

namespace detail {
rc::detail::TestParams run_params();
void report(const std::string& name, const rc::detail::TestParams& params, const rc::detail::TestResult& result);
std::string current_test_name();
}  // namespace detail

/// Checks `property` as the current Catch test case. On failure the test fails with
/// RapidCheck's counterexample and two replay commands (by seed, and by RapidCheck's
/// reproduce string, which goes straight to the shrunk case).
template <class Testable>
void check_property(Testable&& property) {
  const std::string name = detail::current_test_name();
  rc::detail::TestMetadata metadata;
  metadata.id = name;
  metadata.description = name;
  const rc::detail::TestParams params = detail::run_params();
  const auto result = rc::detail::checkTestable(std::forward<Testable>(property), metadata, params);
  detail::report(name, params, result);
}

}  // namespace props
