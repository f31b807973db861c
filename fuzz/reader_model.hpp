// A reference model of asyncio.StreamReader's read calls (CPython 3.13), written from the
// documentation and the rules in tests/properties/SPEC.md (1.C-1.D), independently of
// lib/src/stream_reader.cpp. It is a plain synchronous state machine over a std::string:
// given the buffer, the EOF flag and one call, it says "completes with X", "raises Y" or
// "must wait". The fuzzer runs it next to the real reader and compares.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aiostreams_fuzz {

/// Bytes for a report: printable ASCII as is, others as \\xNN, cut after `max_shown`.
std::string quote_bytes(const std::string& bytes, std::size_t max_shown = 96);

/// What a finished call produced.
struct Outcome {
  enum class Kind { value, incomplete_read, limit_overrun, value_error, cancelled };
  Kind kind = Kind::value;
  std::string bytes;                   // value, or IncompleteReadError.partial
  std::optional<std::int64_t> number;  // IncompleteReadError.expected, LimitOverrunError.consumed
  std::string message;                 // LimitOverrunError / ValueError text

  bool operator==(const Outcome&) const = default;
  std::string describe() const;
};

/// One read call, as the user wrote it.
struct Call {
  enum class Kind { readuntil, readline, readexactly, read };
  Kind kind = Kind::read;
  std::int64_t n = 0;                   // readexactly, read
  std::vector<std::string> separators;  // readuntil, in the order the user gave them
  std::string describe() const;
};

/// The model reader. At most one call is pending at a time.
class ModelReader {
 public:
  explicit ModelReader(std::int64_t limit) : limit_(limit) {}

  /// Starts a call. Returns its outcome if it finishes at once, nullopt if it must wait.
  std::optional<Outcome> start(const Call& call);
  /// Appends data; a non-empty feed wakes the pending call. Returns its outcome if it
  /// finished.
  std::optional<Outcome> feed_data(const std::string& data);
  /// Sets EOF and wakes the pending call.
  std::optional<Outcome> feed_eof();
  /// Cancels the pending call: it raises CancelledError and consumes nothing (read(-1)
  /// loses the blocks it collected). Returns nullopt if no call was pending.
  std::optional<Outcome> cancel();

  bool pending() const { return pending_.has_value(); }
  const std::string& buffer() const { return buffer_; }
  bool eof() const { return eof_; }
  bool at_eof() const { return eof_ && buffer_.empty(); }

 private:
  // A call in progress, with the locals CPython keeps across awaits.
  struct Running {
    Call call;
    std::vector<std::string> sorted;  // readuntil: sorted by length, stable
    std::int64_t offset = 0;          // readuntil: CPython's `offset`
    bool waited = false;              // read(n > 0) waits at most once
    std::string collected;            // read(-1): the blocks read so far
  };

  // Runs the call from where it stopped. nullopt: it must wait for data.
  std::optional<Outcome> step(Running& running);
  std::optional<Outcome> step_readuntil(Running& running);
  std::optional<Outcome> step_readline(Running& running);
  std::optional<Outcome> wake();

  std::int64_t limit_;
  std::string buffer_;
  bool eof_ = false;
  std::optional<Running> pending_;
};

}  // namespace aiostreams_fuzz
