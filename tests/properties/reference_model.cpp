#include "reference_model.hpp"

#include <algorithm>

namespace props {

ReferenceReader::ReferenceReader(std::int64_t limit, std::vector<Op> ops) : limit_(limit), ops_(std::move(ops)) {}

void ReferenceReader::start() {
  started_ = true;
  run();
}

void ReferenceReader::feed(std::string_view chunk) {
  if (chunk.empty()) return;  // item 13: b'' returns before _wakeup_waiter
  buffer_ += chunk;
  if (started_ && waiting_) run();
}

void ReferenceReader::feed_eof() {
  eof_ = true;
  if (started_ && waiting_) run();
}

void ReferenceReader::finish(Outcome outcome) {
  outcomes_.push_back(std::move(outcome));
  waiting_ = false;
  ++next_;
}

void ReferenceReader::run() {
  while (next_ < ops_.size()) {
    const bool first = !waiting_;
    if (first) {
      offset_ = 0;
      waited_ = false;
      collected_.clear();
    }
    if (attempt(ops_[next_], first) == Attempt::wait) {
      waiting_ = true;
      return;
    }
  }
}

ReferenceReader::Attempt ReferenceReader::attempt(const Op& op, bool first) {
  switch (op.kind) {
    case Op::Kind::readline: return attempt_readuntil({"\n"}, true);
    case Op::Kind::readuntil: return attempt_readuntil(sorted_separators(op.separators), false);
    case Op::Kind::readexactly: {
      // item 19: while len(buffer) < n: at EOF raise with the whole buffer (cleared), else wait.
      const auto n = static_cast<std::size_t>(op.n);
      if (buffer_.size() < n) {
        if (!eof_) return Attempt::wait;
        Outcome o = Outcome::incomplete(buffer_, n);
        buffer_.clear();
        finish(std::move(o));
        return Attempt::done;
      }
      finish(Outcome::value(buffer_.substr(0, n)));
      buffer_.erase(0, n);
      return Attempt::done;
    }
    case Op::Kind::read: {
      // item 18d: n == 0 returns b'' at once; otherwise wait once if empty and not at EOF.
      const auto n = static_cast<std::size_t>(op.n);
      if (n == 0) {
        finish(Outcome::value(""));
        return Attempt::done;
      }
      if (first) waited_ = false;
      if (buffer_.empty() && !eof_ && !waited_) {
        waited_ = true;  // it is woken at most once; then it takes what is there
        return Attempt::wait;
      }
      finish(Outcome::value(buffer_.substr(0, n)));
      buffer_.erase(0, std::min(n, buffer_.size()));
      return Attempt::done;
    }
    case Op::Kind::read_all: {
      // item 18c: read(limit) blocks until one returns b''. Each block leaves the buffer at once.
      collected_ += buffer_;
      buffer_.clear();
      if (!eof_) return Attempt::wait;
      finish(Outcome::value(collected_));
      return Attempt::done;
    }
  }
  return Attempt::done;
}

ReferenceReader::Attempt ReferenceReader::attempt_readuntil(const std::vector<std::string>& sorted, bool readline) {
  // item 17c: one pass of the search loop, with `offset` kept across waits.
  const auto buflen = static_cast<std::int64_t>(buffer_.size());
  const auto min_seplen = static_cast<std::int64_t>(sorted.front().size());
  const auto max_seplen = static_cast<std::int64_t>(sorted.back().size());
  std::optional<std::pair<std::size_t, std::size_t>> match;
  std::optional<Outcome> error;
  if (buflen - offset_ >= min_seplen) {
    match = first_match(buffer_, sorted, static_cast<std::size_t>(offset_));
    if (!match) {
      offset_ = std::max<std::int64_t>(0, buflen + 1 - max_seplen);
      if (offset_ > limit_) error = Outcome::overrun(static_cast<std::size_t>(offset_), std::string(not_found_message));
    }
  }
  if (!error && !match) {
    if (!eof_) return Attempt::wait;
    // The EOF check comes after the search: everything left is the partial.
    Outcome o = Outcome::incomplete(buffer_, std::nullopt);
    buffer_.clear();
    // readline returns the partial line (b'' at EOF) instead.
    finish(readline ? Outcome::value(o.bytes) : std::move(o));
    return Attempt::done;
  }
  if (!error && static_cast<std::int64_t>(match->first) > limit_) {
    error = Outcome::overrun(match->first, std::string(found_message));  // item 17d
  }
  if (error) {
    if (readline) {
      // item 16: drop consumed+1 bytes when "\n" is at consumed, else the whole buffer.
      const std::size_t consumed = error->consumed;
      if (consumed < buffer_.size() && buffer_[consumed] == '\n') {
        buffer_.erase(0, consumed + 1);
      } else {
        buffer_.clear();
      }
      finish(Outcome::value_error(error->message));
    } else {
      finish(std::move(*error));  // the buffer stays as it is
    }
    return Attempt::done;
  }
  finish(Outcome::value(buffer_.substr(0, match->second)));
  buffer_.erase(0, match->second);
  return Attempt::done;
}

}  // namespace props
