// The reference model: CPython 3.13's StreamReader read calls as plainly as possible.
// Each function below follows the numbered rules of tests/properties/SPEC.md 1.C (items 16-19).
#include "reader_model.hpp"

#include <algorithm>
#include <cstdio>

namespace aiostreams_fuzz {

std::string quote_bytes(const std::string& bytes, std::size_t max_shown) {
  std::string out = "\"";
  std::size_t shown = 0;
  for (unsigned char c : bytes) {
    if (shown++ == max_shown) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char text[8];
      std::snprintf(text, sizeof text, "\\x%02x", c);
      out += text;
    }
  }
  out += "\" (" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

namespace {

Outcome value(std::string bytes) {
  Outcome out;
  out.kind = Outcome::Kind::value;
  out.bytes = std::move(bytes);
  return out;
}

Outcome value_error(std::string message) {
  Outcome out;
  out.kind = Outcome::Kind::value_error;
  out.message = std::move(message);
  return out;
}

Outcome incomplete(std::string partial, std::optional<std::int64_t> expected) {
  Outcome out;
  out.kind = Outcome::Kind::incomplete_read;
  out.bytes = std::move(partial);
  out.number = expected;
  return out;
}

Outcome overrun(std::string message, std::int64_t consumed) {
  Outcome out;
  out.kind = Outcome::Kind::limit_overrun;
  out.message = std::move(message);
  out.number = consumed;
  return out;
}

const char* const not_found_text = "Separator is not found, and chunk exceed the limit";
const char* const found_text = "Separator is found, but chunk is longer than limit";

}  // namespace

std::string Outcome::describe() const {
  switch (kind) {
    case Kind::value: return "returns " + quote_bytes(bytes);
    case Kind::incomplete_read:
      return "raises IncompleteReadError(partial=" + quote_bytes(bytes) +
             ", expected=" + (number ? std::to_string(*number) : std::string("None")) + ")";
    case Kind::limit_overrun:
      return "raises LimitOverrunError('" + message + "', consumed=" + std::to_string(number.value_or(-1)) + ")";
    case Kind::value_error: return "raises ValueError('" + message + "')";
    case Kind::cancelled: return "raises CancelledError";
  }
  return "?";
}

std::string Call::describe() const {
  switch (kind) {
    case Kind::readline: return "readline()";
    case Kind::readexactly: return "readexactly(" + std::to_string(n) + ")";
    case Kind::read: return "read(" + std::to_string(n) + ")";
    case Kind::readuntil: {
      std::string out = "readuntil((";
      for (std::size_t i = 0; i < separators.size(); ++i) out += (i == 0 ? "" : ", ") + quote_bytes(separators[i]);
      return out + (separators.size() == 1 ? ",))" : "))");
    }
  }
  return "?";
}

std::optional<Outcome> ModelReader::start(const Call& call) {
  Running running;
  running.call = call;
  if (call.kind == Call::Kind::readuntil) {
    // 17a: sorted by length; the sort is stable.
    running.sorted = call.separators;
    std::stable_sort(running.sorted.begin(), running.sorted.end(),
                     [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
  }
  auto outcome = step(running);
  if (!outcome) pending_ = std::move(running);
  return outcome;
}

std::optional<Outcome> ModelReader::wake() {
  if (!pending_) return std::nullopt;
  auto outcome = step(*pending_);
  if (outcome) pending_.reset();
  return outcome;
}

std::optional<Outcome> ModelReader::feed_data(const std::string& data) {
  buffer_ += data;
  if (data.empty()) return std::nullopt;  // 13: empty data wakes no one
  return wake();
}

std::optional<Outcome> ModelReader::feed_eof() {
  eof_ = true;
  return wake();
}

std::optional<Outcome> ModelReader::cancel() {
  if (!pending_) return std::nullopt;
  pending_.reset();  // 22: nothing consumed (read(-1)'s collected blocks are lost)
  Outcome out;
  out.kind = Outcome::Kind::cancelled;
  return out;
}

std::optional<Outcome> ModelReader::step(Running& running) {
  const Call& call = running.call;
  switch (call.kind) {
    case Call::Kind::readuntil: return step_readuntil(running);
    case Call::Kind::readline: return step_readline(running);
    case Call::Kind::readexactly: {
      // 19
      if (call.n < 0) return value_error("readexactly size can not be less than zero");
      if (call.n == 0) return value(std::string());
      const auto n = static_cast<std::size_t>(call.n);
      if (buffer_.size() < n) {
        if (eof_) {
          std::string partial = buffer_;
          buffer_.clear();
          return incomplete(partial, call.n);
        }
        return std::nullopt;
      }
      std::string data = buffer_.substr(0, n);
      buffer_.erase(0, n);
      return value(data);
    }
    case Call::Kind::read: {
      // 18
      if (call.n == 0) return value(std::string());
      if (call.n < 0) {
        // read(limit) until b''.
        while (true) {
          if (buffer_.empty() && !eof_) return std::nullopt;
          if (buffer_.empty()) return value(running.collected);
          const auto block = std::min(buffer_.size(), static_cast<std::size_t>(limit_));
          running.collected += buffer_.substr(0, block);
          buffer_.erase(0, block);
        }
      }
      if (buffer_.empty() && !eof_ && !running.waited) {
        running.waited = true;
        return std::nullopt;
      }
      const auto take = std::min(buffer_.size(), static_cast<std::size_t>(call.n));
      std::string data = buffer_.substr(0, take);
      buffer_.erase(0, take);
      return value(data);
    }
  }
  return std::nullopt;
}

std::optional<Outcome> ModelReader::step_readuntil(Running& running) {
  const std::vector<std::string>& seps = running.sorted;
  // 17b
  if (seps.empty()) return value_error("Separator should contain at least one element");
  if (seps.front().empty()) return value_error("Separator should be at least one-byte string");
  const auto min_seplen = static_cast<std::int64_t>(seps.front().size());
  const auto max_seplen = static_cast<std::int64_t>(seps.back().size());

  // 17c: the search loop, with `offset` kept across waits.
  std::int64_t match_start = -1;
  std::int64_t match_end = -1;
  const auto buflen = static_cast<std::int64_t>(buffer_.size());
  if (buflen - running.offset >= min_seplen) {
    for (const auto& sep : seps) {
      const auto at = buffer_.find(sep, static_cast<std::size_t>(running.offset));
      if (at == std::string::npos) continue;
      const auto start = static_cast<std::int64_t>(at);
      const auto end = start + static_cast<std::int64_t>(sep.size());
      if (match_end < 0 || end < match_end) {  // strictly smaller: a tie keeps the shorter
        match_start = start;
        match_end = end;
      }
    }
    if (match_end < 0) {
      running.offset = std::max<std::int64_t>(0, buflen + 1 - max_seplen);
      if (running.offset > limit_) return overrun(not_found_text, running.offset);
    }
  }
  if (match_end < 0) {
    if (eof_) {
      std::string chunk = buffer_;
      buffer_.clear();
      return incomplete(chunk, std::nullopt);
    }
    return std::nullopt;
  }
  // 17d
  if (match_start > limit_) return overrun(found_text, match_start);
  // 17e
  std::string chunk = buffer_.substr(0, static_cast<std::size_t>(match_end));
  buffer_.erase(0, static_cast<std::size_t>(match_end));
  return value(chunk);
}

std::optional<Outcome> ModelReader::step_readline(Running& running) {
  // 16: readuntil(b'\n'), then turn its errors into a partial line or a ValueError.
  if (running.sorted.empty()) running.sorted = {"\n"};
  auto outcome = step_readuntil(running);
  if (!outcome) return std::nullopt;
  if (outcome->kind == Outcome::Kind::incomplete_read) return value(outcome->bytes);
  if (outcome->kind == Outcome::Kind::limit_overrun) {
    const auto consumed = static_cast<std::size_t>(*outcome->number);
    if (consumed < buffer_.size() && buffer_[consumed] == '\n') {
      buffer_.erase(0, consumed + 1);
    } else {
      buffer_.clear();
    }
    return value_error(outcome->message);
  }
  return outcome;
}

}  // namespace aiostreams_fuzz
