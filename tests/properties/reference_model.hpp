// A reference model of CPython 3.13's StreamReader read calls, written from
// tests/properties/SPEC.md (items 16-19): plain strings, no coroutines, no
// loop. It takes the chunking into account the way CPython does: a pending call is retried
// once per wake-up (non-empty feed_data, feed_eof), readuntil keeps its `offset` across
// waits, and the limit checks run at each retry against the bytes buffered at that moment.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness.hpp"

namespace props {

class ReferenceReader {
 public:
  ReferenceReader(std::int64_t limit, std::vector<Op> ops);

  /// The consumer starts: runs calls until one must wait.
  void start();
  /// feed_data: empty data wakes no one; otherwise append and retry the pending call.
  void feed(std::string_view chunk);
  /// feed_eof: retry the pending call.
  void feed_eof();

  const std::vector<Outcome>& outcomes() const noexcept { return outcomes_; }
  const std::string& buffer() const noexcept { return buffer_; }
  bool at_eof() const noexcept { return eof_ && buffer_.empty(); }

 private:
  enum class Attempt { done, wait };
  void run();
  Attempt attempt(const Op& op, bool first);
  Attempt attempt_readuntil(const std::vector<std::string>& sorted, bool readline);
  void finish(Outcome outcome);

  std::int64_t limit_;
  std::vector<Op> ops_;
  std::size_t next_ = 0;
  bool started_ = false;
  bool waiting_ = false;
  std::vector<Outcome> outcomes_;
  std::string buffer_;
  bool eof_ = false;
  // The pending call's locals.
  std::int64_t offset_ = 0;  // readuntil
  bool waited_ = false;      // read(n)
  std::string collected_;    // read(-1)
};

}  // namespace props
