// StreamReader, following CPython 3.13's asyncio/streams.py step by step: the order of the
// checks, where the buffer is consumed, and when the transport is paused or resumed are
// all observable, and the conformance suite compares them with CPython's.
#include "aiostreams/stream_reader.hpp"

#include <algorithm>

namespace aiostreams {

using detail::ReadRequest;
using Kind = detail::ReadRequest::Kind;

namespace {
const char* wait_name(Kind kind) {
  switch (kind) {
    case Kind::read: return "read";
    case Kind::readexactly: return "readexactly";
    default: return "readuntil";  // readline reports readuntil: it delegates, as in CPython
  }
}

const char* wait_label(Kind kind) {
  switch (kind) {
    case Kind::read: return "StreamReader.read() waiting for data";
    case Kind::readexactly: return "StreamReader.readexactly() waiting for data";
    case Kind::readline: return "StreamReader.readline() waiting for data";
    default: return "StreamReader.readuntil() waiting for data";
  }
}

}  // namespace

// ---- SeparatorList -------------------------------------------------------------------------

void detail::SeparatorList::set_heap(std::string_view single) {
  heap_ = std::make_unique<std::vector<std::string>>(1, std::string(single));
}

detail::SeparatorList::SeparatorList(std::vector<std::string> separators) {
  if (separators.empty()) return;
  if (separators.size() == 1) {
    *this = SeparatorList(separators.front());
    return;
  }
  std::stable_sort(separators.begin(), separators.end(),
                   [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
  heap_ = std::make_unique<std::vector<std::string>>(std::move(separators));
}

// ---- ReadOperation ----------------------------------------------------------------------

void ReadOperation::withdraw() noexcept {
  reader_->waiter_.reset();  // CPython's `finally: self._waiter = None`
}

bool ReadOperation::await_ready() {
  if (request_.kind == Kind::read_all) return false;
  return reader_->attempt(request_, true, value_);
}

bool ReadOperation::await_suspend(std::coroutine_handle<> awaiting) {
  if (request_.kind == Kind::read_all) {
    read_all_ = reader_->read_all();
    return read_all_.await_suspend(awaiting);
  }
  awaiting_ = awaiting;
  try {
    wait();
  } catch (...) {
    error_ = std::make_unique<std::exception_ptr>(std::current_exception());
    return false;
  }
  return true;
}

void ReadOperation::wait() {
  Future<void> waiter = reader_->begin_wait(request_.kind);
  detail::TaskBase* task = detail::current_task();
  if (task == nullptr) {
    reader_->waiter_.reset();
    detail::require_current_task("await a future");  // throws
  }
  waiting_.emplace(Waiting{waiter.state(), task->shared_future()});
  task->suspend_on(*waiting_->waiter, *this);
}

void ReadOperation::wake() noexcept {
  // Held on the stack until the task has run: resuming may end the awaiting coroutine and
  // destroy this operation, and nothing else may hold the task.
  const Waiting waited = std::move(*waiting_);
  waiting_.reset();
  // What `await waiter` gives the task: a cancel that arrived after the waiter completed,
  // else the waiter's own outcome (CancelledError, or the reader's exception).
  std::exception_ptr failure;
  try {
    detail::current_task()->throw_if_must_cancel();
    waited.waiter->rethrow_if_failed();
  } catch (...) {
    failure = std::current_exception();
  }
  reader_->waiter_.reset();
  try {
    if (failure) {
      if (request_.kind != Kind::readline) std::rethrow_exception(failure);
      value_ = reader_->readline_recover(failure);
    } else {
      request_.waited = true;
      if (!reader_->attempt(request_, false, value_)) {
        wait();
        return;
      }
    }
  } catch (...) {
    error_ = std::make_unique<std::exception_ptr>(std::current_exception());
  }
  awaiting_.resume();  // the last thing: the awaiting coroutine destroys this operation
}

std::string ReadOperation::await_resume() {
  if (!error_ && !read_all_.valid()) [[likely]]
    return std::move(value_);
  if (error_) std::rethrow_exception(*error_);
  return read_all_.await_resume();
}

// ---- construction and feeding -------------------------------------------------------------

StreamReader::StreamReader(std::int64_t limit) : limit_(limit) {
  if (limit <= 0) throw ValueError("Limit cannot be <= 0");
}

void StreamReader::set_transport(std::shared_ptr<ReadTransport> transport) {
  if (transport_) throw AssertionError("Transport already set");
  transport_ = std::move(transport);
}

void StreamReader::feed_data(std::string_view data) { feed(data); }
void StreamReader::feed_owned(std::string&& data) { feed(std::move(data)); }

template <class Bytes>
void StreamReader::feed(Bytes&& data) {
  if (eof_) throw AssertionError("feed_data after feed_eof");
  if (data.empty()) return;
  if constexpr (std::is_same_v<std::remove_cvref_t<Bytes>, std::string>) {
    buffer_.append_owned(std::move(data));
  } else {
    buffer_.append(data);
  }
  wakeup_waiter();
  if (transport_ && !paused_ && static_cast<std::int64_t>(buffer_.size()) > 2 * limit_) {
    try {
      transport_->pause_reading();
    } catch (const NotImplementedError&) {
      transport_.reset();  // it cannot pause: buffer everything and never ask again
      return;
    }
    paused_ = true;
  }
}

void StreamReader::feed_eof() {
  eof_ = true;
  wakeup_waiter();
}

void StreamReader::set_exception(std::exception_ptr error) {
  exception_ = error;
  if (auto waiter = std::move(waiter_)) {
    if (!waiter->cancelled()) waiter->set_exception(std::move(error));
  }
}

void StreamReader::wakeup_waiter() {
  if (auto waiter = std::move(waiter_)) {
    if (!waiter->cancelled()) waiter->set_result();
  }
}

void StreamReader::maybe_resume_transport() {
  if (paused_ && static_cast<std::int64_t>(buffer_.size()) <= limit_) {
    paused_ = false;
    transport_->resume_reading();
  }
}

// ---- the read calls -------------------------------------------------------------------------

ReadOperation StreamReader::read(std::int64_t n) {
  return ReadOperation(*this, n < 0 ? Kind::read_all : Kind::read, n);
}

ReadOperation StreamReader::readline() { return ReadOperation(*this, Kind::readline, std::string_view("\n")); }

ReadOperation StreamReader::readuntil(std::string_view separator) {
  return ReadOperation(*this, Kind::readuntil, separator);
}

ReadOperation StreamReader::readuntil(std::vector<std::string> separators) {
  return ReadOperation(*this, Kind::readuntil, detail::SeparatorList(std::move(separators)));
}

ReadOperation StreamReader::readuntil(std::initializer_list<std::string_view> separators) {
  return readuntil(std::vector<std::string>(separators.begin(), separators.end()));
}

ReadOperation StreamReader::readexactly(std::int64_t n) { return ReadOperation(*this, Kind::readexactly, n); }

// ---- attempts: one pass of CPython's loop body, never waiting --------------------------------

void StreamReader::check_start(const ReadRequest& request) const {
  switch (request.kind) {
    case Kind::readuntil:
    case Kind::readline:
      if (request.separators.empty()) throw ValueError("Separator should contain at least one element");
      if (request.separators[0].empty()) throw ValueError("Separator should be at least one-byte string");
      break;
    case Kind::readexactly:
      if (request.n < 0) throw ValueError("readexactly size can not be less than zero");
      break;
    default: break;
  }
  if (exception_) std::rethrow_exception(exception_);
}

bool StreamReader::attempt(ReadRequest& request, bool first, std::string& out) {
  switch (request.kind) {
    case Kind::readline: return attempt_readline(request, first, out);
    case Kind::readuntil:
      if (first) check_start(request);
      return attempt_readuntil(request, out);
    case Kind::readexactly:
    case Kind::read:
      if (first) {
        check_start(request);
        if (request.n == 0) return true;  // out stays empty
      }
      return request.kind == Kind::read ? attempt_read(request, out) : attempt_readexactly(request, out);
    case Kind::read_all: break;
  }
  return false;
}

bool StreamReader::attempt_readline(ReadRequest& request, bool first, std::string& out) {
  try {
    if (first) check_start(request);
    return attempt_readuntil(request, out);
  } catch (...) {
    out = readline_recover(std::current_exception());
    return true;
  }
}

std::string StreamReader::readline_recover(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const IncompleteReadError& e) {
    return e.partial();
  } catch (const LimitOverrunError& e) {
    // CPython: drop the over-long line and its "\n" if the "\n" is there, else everything.
    const std::size_t consumed = e.consumed();
    if (consumed < buffer_.size() && buffer_.data()[consumed] == '\n') {
      buffer_.drop(consumed + 1);
    } else {
      buffer_.clear();
    }
    maybe_resume_transport();
    throw ValueError(e.what());
  }
}

bool StreamReader::attempt_readuntil(ReadRequest& request, std::string& out) {
  const auto buflen = static_cast<std::int64_t>(buffer_.size());
  const std::size_t count = request.separators.size();
  const std::string_view shortest = request.separators[0];  // (sorted by length)
  const auto min_seplen = static_cast<std::int64_t>(shortest.size());
  const auto max_seplen =
      static_cast<std::int64_t>(count == 1 ? shortest.size() : request.separators[count - 1].size());
  std::int64_t match_start = -1;
  std::int64_t match_end = -1;
  if (buflen - request.offset >= min_seplen) {
    for (std::size_t i = 0; i < count; ++i) {
      const std::string_view separator = i == 0 ? shortest : request.separators[i];
      const std::size_t found = buffer_.find(separator, static_cast<std::size_t>(request.offset));
      if (found == detail::ByteBuffer::npos) continue;
      const auto end = static_cast<std::int64_t>(found + separator.size());
      if (match_end < 0 || end < match_end) {  // strictly earlier end: on a tie the shorter wins
        match_end = end;
        match_start = static_cast<std::int64_t>(found);
      }
    }
    if (match_end < 0) {
      request.offset = std::max<std::int64_t>(0, buflen + 1 - max_seplen);
      if (request.offset > limit_) {
        throw LimitOverrunError("Separator is not found, and chunk exceed the limit",
                                static_cast<std::size_t>(request.offset));
      }
    }
  }
  if (match_end < 0) {
    // A separator already buffered is returned even after EOF: EOF is checked after the search.
    if (eof_) throw IncompleteReadError(buffer_.take_all(), std::nullopt);
    return false;
  }
  if (match_start > limit_) {
    throw LimitOverrunError("Separator is found, but chunk is longer than limit",
                            static_cast<std::size_t>(match_start));
  }
  out = buffer_.take(static_cast<std::size_t>(match_end));
  maybe_resume_transport();
  return true;
}

bool StreamReader::attempt_readexactly(ReadRequest& request, std::string& out) {
  const auto n = static_cast<std::size_t>(request.n);
  if (buffer_.size() < n) {
    if (eof_) throw IncompleteReadError(buffer_.take_all(), n);
    return false;
  }
  out = buffer_.take(n);
  maybe_resume_transport();
  return true;
}

bool StreamReader::attempt_read(ReadRequest& request, std::string& out) {
  // read(n) waits at most once, and only while the buffer is empty and not at EOF.
  if (buffer_.empty() && !eof_ && !request.waited) return false;
  out = buffer_.take(std::min(buffer_.size(), static_cast<std::size_t>(request.n)));
  maybe_resume_transport();
  return true;
}

// ---- waiting ------------------------------------------------------------------------------

Future<void> StreamReader::begin_wait(Kind kind) {
  if (waiter_) {
    throw RuntimeError(std::string(wait_name(kind)) +
                       "() called while another coroutine is already waiting for incoming data");
  }
  if (eof_) throw AssertionError("_wait_for_data after EOF");
  // Waiting with a paused transport would deadlock (e.g. readexactly(n) with n > 2*limit).
  if (paused_) {
    paused_ = false;
    transport_->resume_reading();
  }
  waiter_ = std::make_shared<detail::FutureState<void>>(get_running_loop());
  waiter_->set_static_label(wait_label(kind));
  return Future<void>(waiter_);
}

Task<std::string> StreamReader::read_all() {
  if (exception_) std::rethrow_exception(exception_);
  // In limit-sized blocks, like CPython: each block's read resumes a paused transport.
  std::string blocks;
  for (;;) {
    std::string block = co_await read(limit_);
    if (block.empty()) break;
    blocks += block;
  }
  co_return blocks;
}

// ---- introspection ---------------------------------------------------------------------------

std::string StreamReader::repr() const {
  std::string text = "<StreamReader";
  if (!buffer_.empty()) text += " " + std::to_string(buffer_.size()) + " bytes";
  if (eof_) text += " eof";
  if (limit_ != default_limit) text += " limit=" + std::to_string(limit_);
  if (waiter_) text += " waiter=<Future pending>";
  if (exception_) text += " exception=<exception>";
  if (transport_) text += " transport=<Transport>";
  if (paused_) text += " paused";
  return text + ">";
}

}  // namespace aiostreams
