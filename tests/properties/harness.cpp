#include "harness.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <unordered_map>

#include "aiostreams/errors.hpp"

// Declared by RapidCheck's library but not by its installed headers: turns a test-id ->
// Reproduce map into the text RC_PARAMS="reproduce=..." accepts.
namespace rc::detail {
std::string reproduceMapToString(const std::unordered_map<std::string, Reproduce>& reproduceMap);
}  // namespace rc::detail

namespace props {

using aiostreams::StreamReader;
using aiostreams::Task;

// ---- outcomes and printing -------------------------------------------------------------------

bool operator==(const Outcome& a, const Outcome& b) {
  return a.kind == b.kind && a.bytes == b.bytes && a.expected == b.expected && a.consumed == b.consumed &&
         a.message == b.message;
}

std::string quoted(std::string_view bytes) {
  std::string text = "\"";
  for (const char c : bytes) {
    switch (c) {
      case '\n': text += "\\n"; break;
      case '\r': text += "\\r"; break;
      case '\\': text += "\\\\"; break;
      case '"': text += "\\\""; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          text += hex;
        } else {
          text += c;
        }
    }
  }
  return text + "\"";
}

void showValue(const Op& op, std::ostream& os) {
  switch (op.kind) {
    case Op::Kind::readline: os << "readline()"; return;
    case Op::Kind::readexactly: os << "readexactly(" << op.n << ")"; return;
    case Op::Kind::read: os << "read(" << op.n << ")"; return;
    case Op::Kind::read_all: os << "read()"; return;
    case Op::Kind::readuntil:
      os << "readuntil(";
      if (op.separators.size() == 1) {
        os << quoted(op.separators[0]);
      } else {
        os << "{";
        for (std::size_t i = 0; i < op.separators.size(); ++i) os << (i ? ", " : "") << quoted(op.separators[i]);
        os << "}";
      }
      os << ")";
      return;
  }
}

void showValue(const Outcome& o, std::ostream& os) {
  switch (o.kind) {
    case Outcome::Kind::value: os << quoted(o.bytes); break;
    case Outcome::Kind::incomplete:
      os << "IncompleteReadError(partial=" << quoted(o.bytes) << ", expected=";
      if (o.expected) {
        os << *o.expected;
      } else {
        os << "None";
      }
      os << ")";
      break;
    case Outcome::Kind::overrun:
      os << "LimitOverrunError(" << quoted(o.message) << ", consumed=" << o.consumed << ")";
      break;
    case Outcome::Kind::value_error: os << "ValueError(" << quoted(o.message) << ")"; break;
    case Outcome::Kind::cancelled: os << "CancelledError"; break;
    case Outcome::Kind::other: os << "unexpected exception(" << quoted(o.message) << ")"; break;
  }
}

std::ostream& operator<<(std::ostream& os, const Op& op) {
  showValue(op, os);
  return os;
}
std::ostream& operator<<(std::ostream& os, const Outcome& outcome) {
  showValue(outcome, os);
  return os;
}
std::ostream& operator<<(std::ostream& os, const std::vector<Outcome>& outcomes) {
  os << "[";
  for (std::size_t i = 0; i < outcomes.size(); ++i) os << (i ? ", " : "") << outcomes[i];
  return os << "]";
}

// ---- separators ----------------------------------------------------------------------------

std::vector<std::string> sorted_separators(std::vector<std::string> separators) {
  std::stable_sort(separators.begin(), separators.end(),
                   [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
  return separators;
}

std::optional<std::pair<std::size_t, std::size_t>> first_match(std::string_view buffer,
                                                               const std::vector<std::string>& separators,
                                                               std::size_t from) {
  std::optional<std::pair<std::size_t, std::size_t>> best;
  for (const std::string& separator : sorted_separators(separators)) {
    const std::size_t at = buffer.find(separator, from);
    if (at == std::string_view::npos) continue;
    const std::size_t end = at + separator.size();
    if (!best || end < best->second) best = std::make_pair(at, end);
  }
  return best;
}

std::vector<std::string> separators_of(const Op& op) {
  return op.kind == Op::Kind::readline ? std::vector<std::string>{"\n"} : op.separators;
}

std::size_t longest_separator(const std::vector<std::string>& separators) {
  std::size_t longest = 0;
  for (const auto& s : separators) longest = std::max(longest, s.size());
  return longest;
}

// ---- the consumer --------------------------------------------------------------------------

void Session::feed(std::string_view chunk) {
  fed_during_op += chunk;
  fed_total += chunk.size();
  reader.feed_data(chunk);
}

void Session::feed_eof() {
  eof_fed = true;
  reader.feed_eof();
}

std::string Session::delivered() const {
  std::string bytes;
  for (const Outcome& o : outcomes) {
    if (o.kind == Outcome::Kind::value || o.kind == Outcome::Kind::incomplete) bytes += o.bytes;
  }
  return bytes;
}

aiostreams::ReadOperation start_read(StreamReader& reader, const Op& op) {
  switch (op.kind) {
    case Op::Kind::readline: return reader.readline();
    case Op::Kind::readuntil:
      if (op.separators.size() == 1) return reader.readuntil(std::string_view(op.separators[0]));
      return reader.readuntil(op.separators);
    case Op::Kind::readexactly: return reader.readexactly(op.n);
    case Op::Kind::read: return reader.read(op.n);
    case Op::Kind::read_all: break;
  }
  return reader.read(-1);
}

namespace {
void finish(Session& session, Outcome outcome, const std::string& at_start) {
  outcome.op_index = session.current_op;
  outcome.before = at_start + session.fed_during_op;
  outcome.after = std::string(session.reader.buffered_view());
  outcome.fed_at_end = session.fed_total;
  outcome.eof_at_end = session.eof_fed;
  outcome.at_eof_after = session.reader.at_eof();
  session.outcomes.push_back(std::move(outcome));
  session.in_flight = false;
}
}  // namespace

Task<void> consume(Session& session) {
  while (session.next_op < session.ops.size()) {
    session.current_op = session.next_op++;
    const Op op = session.ops[session.current_op];
    const std::string at_start(session.reader.buffered_view());
    session.fed_during_op.clear();
    session.in_flight = true;
    Outcome outcome;
    try {
      outcome = Outcome::value(co_await start_read(session.reader, op));
    } catch (const aiostreams::IncompleteReadError& e) {
      outcome = Outcome::incomplete(e.partial(), e.expected());
    } catch (const aiostreams::LimitOverrunError& e) {
      outcome = Outcome::overrun(e.consumed(), e.what());
    } catch (const aiostreams::ValueError& e) {
      outcome = Outcome::value_error(e.what());
    } catch (const aiostreams::CancelledError&) {
      Outcome cancelled;
      cancelled.kind = Outcome::Kind::cancelled;
      finish(session, std::move(cancelled), at_start);
      throw;
    } catch (const std::exception& e) {
      outcome.kind = Outcome::Kind::other;
      outcome.message = e.what();
    }
    finish(session, std::move(outcome), at_start);
  }
}

std::vector<std::string> split_at(const std::string& data, std::vector<std::size_t> cuts) {
  for (auto& cut : cuts) cut = std::min(cut, cut_scale - 1) * (data.size() + 1) / cut_scale;
  std::sort(cuts.begin(), cuts.end());
  std::vector<std::string> chunks;
  std::size_t from = 0;
  for (const std::size_t cut : cuts) {
    chunks.push_back(data.substr(from, cut - from));
    from = cut;
  }
  chunks.push_back(data.substr(from));
  return chunks;
}

// ---- generators ------------------------------------------------------------------------------

rc::Gen<std::string> gen_bytes(std::string alphabet) {
  std::vector<char> letters(alphabet.begin(), alphabet.end());
  return rc::gen::container<std::string>(rc::gen::elementOf(letters));
}

rc::Gen<std::vector<std::size_t>> gen_cuts() {
  return rc::gen::scale(0.5, rc::gen::container<std::vector<std::size_t>>(full_range<std::size_t>(0, cut_scale)));
}

const std::vector<std::string>& separator_pool() {
  static const std::vector<std::string> pool{"\n", "\r\n", "a", "b", "ab", "\r", "ba", "b\r\n", "\n\n"};
  return pool;
}

rc::Gen<std::vector<std::string>> gen_separators(std::vector<std::string> pool) {
  auto one =
      rc::gen::map(rc::gen::elementOf(pool), [](std::string s) { return std::vector<std::string>{std::move(s)}; });
  auto several = rc::gen::mapcat(full_range(2, 4), [pool](int count) {
    return rc::gen::container<std::vector<std::string>>(static_cast<std::size_t>(count), rc::gen::elementOf(pool));
  });
  return rc::gen::weightedOneOf<std::vector<std::string>>({{3, one}, {2, several}});
}

rc::Gen<Op> gen_op(OpMix mix) {
  std::vector<std::pair<std::size_t, rc::Gen<Op>>> choices;
  const auto size = full_range<std::int64_t>(0, mix.max_n + 1);
  if (mix.readline) choices.emplace_back(3, rc::gen::just(Op::readline()));
  if (mix.readuntil) choices.emplace_back(4, rc::gen::map(gen_separators(mix.pool), &Op::readuntil));
  if (mix.readexactly) choices.emplace_back(2, rc::gen::map(size, &Op::readexactly));
  if (mix.read) choices.emplace_back(2, rc::gen::map(size, &Op::read));
  if (mix.read_all) choices.emplace_back(1, rc::gen::just(Op::read_all()));
  // weightedOneOf takes only an initializer list: pick by cumulative weight instead.
  std::size_t total = 0;
  for (const auto& choice : choices) total += choice.first;
  return rc::gen::mapcat(full_range<std::size_t>(0, total), [choices](std::size_t pick) {
    for (const auto& choice : choices) {
      if (pick < choice.first) return choice.second;
      pick -= choice.first;
    }
    return choices.back().second;
  });
}

rc::Gen<std::vector<Op>> gen_ops(OpMix mix) {
  return rc::gen::scale(0.2, rc::gen::container<std::vector<Op>>(gen_op(std::move(mix))));
}

// ---- running a property ----------------------------------------------------------------------

namespace {
std::string& program_path() {
  static std::string path = "build/bin/aiostreams_properties";
  return path;
}

std::string rc_params_env() {
  const char* env = std::getenv("RC_PARAMS");
  return env == nullptr ? std::string() : std::string(env);
}

// RC_PARAMS with seed= and reproduce= removed: what a replay must keep (max_success, ...).
std::string kept_params() {
  std::istringstream words(rc_params_env());
  std::string word;
  std::string kept;
  while (words >> word) {
    if (word.rfind("seed=", 0) == 0 || word.rfind("reproduce=", 0) == 0) continue;
    kept += " " + word;
  }
  return kept;
}
}  // namespace

void set_program_path(std::string path) { program_path() = std::move(path); }

namespace detail {

std::string current_test_name() { return Catch::getResultCapture().getCurrentTestName(); }

rc::detail::TestParams run_params() {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  if (rc_params_env().find("max_success") == std::string::npos) params.maxSuccess = default_cases;
  return params;
}

void report(const std::string& name, const rc::detail::TestParams& params, const rc::detail::TestResult& result) {
  if (result.is<rc::detail::SuccessResult>()) {
    std::ostringstream text;  // "OK, passed N tests" and the RC_TAG distribution (shown with -s)
    rc::detail::printResultMessage(result, text);
    SUCCEED(text.str());
    return;
  }
  std::ostringstream result_text;
  rc::detail::printResultMessage(result, result_text);
  // The replay commands go to stderr as whole lines (Catch wraps long messages at 80 columns).
  std::ostringstream replay;
  replay << "\n*** Property failed: " << name << "\nReplay this run (seed " << params.seed
         << "):\n  RC_PARAMS=\"seed=" << params.seed << kept_params() << "\" " << program_path() << " \"" << name
         << "\"\n";
  if (result.is<rc::detail::FailureResult>()) {
    const auto& failure = result.get<rc::detail::FailureResult>();
    std::unordered_map<std::string, rc::detail::Reproduce> reproduce{{name, failure.reproduce}};
    replay << "Replay only the shrunk counterexample:\n  RC_PARAMS=\"reproduce="
           << rc::detail::reproduceMapToString(reproduce) << "\" " << program_path() << " \"" << name << "\"\n";
  }
  std::cerr << replay.str() << std::endl;
  FAIL(result_text.str() << "\n(replay commands printed to stderr: RC_PARAMS=\"seed=" << params.seed << kept_params()
                         << "\")");
}

}  // namespace detail
}  // namespace props
