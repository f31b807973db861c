// StreamReader: asyncio.StreamReader, with CPython 3.13's exact semantics.
#pragma once

#include <array>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiostreams/detail/byte_buffer.hpp"
#include "aiostreams/errors.hpp"
#include "aiostreams/future.hpp"
#include "aiostreams/task.hpp"
#include "aiostreams/transport.hpp"

namespace aiostreams {

class StreamReader;

namespace detail {

/// readuntil's separators, shortest first (a stable sort by length: CPython's rule). Every
/// read call carries one in the caller's coroutine frame, so it is small: one separator of
/// up to 14 bytes (the usual "\n", "\r\n") is stored inline, anything else on the heap.
class SeparatorList {
 public:
  SeparatorList() = default;
  explicit SeparatorList(std::string_view single) {
    if (single.size() > inline_.size()) {
      set_heap(single);
      return;
    }
    single.copy(inline_.data(), single.size());
    inline_size_ = static_cast<std::uint8_t>(single.size());
  }
  explicit SeparatorList(std::vector<std::string> separators);

  std::size_t size() const noexcept { return heap_ ? heap_->size() : inline_size_ != kNone ? 1 : 0; }
  bool empty() const noexcept { return size() == 0; }
  std::string_view operator[](std::size_t i) const noexcept {
    return heap_ ? std::string_view((*heap_)[i]) : std::string_view(inline_.data(), inline_size_);
  }

 private:
  void set_heap(std::string_view single);

  static constexpr std::uint8_t kNone = 0xff;
  std::array<char, 14> inline_{};
  std::uint8_t inline_size_ = kNone;                // kNone: no inline separator
  std::unique_ptr<std::vector<std::string>> heap_;  // the separators, when not inline
};

/// One read call's parameters and progress (CPython's locals in readuntil etc.).
struct ReadRequest {
  enum class Kind : std::uint8_t { read, read_all, readline, readuntil, readexactly };
  ReadRequest() = default;
  ReadRequest(Kind k, std::int64_t count) : n(count), kind(k) {}
  ReadRequest(Kind k, std::string_view separator) : separators(separator), offset(0), kind(k) {}
  ReadRequest(Kind k, SeparatorList list) : separators(std::move(list)), offset(0), kind(k) {}

  SeparatorList separators;  // readuntil and readline
  union {
    std::int64_t n = 0;   // read, readexactly
    std::int64_t offset;  // readuntil, readline: bytes known not to hold a separator
  };
  Kind kind = Kind::read;
  bool waited = false;  // read(n): it waits at most once
};

}  // namespace detail

/// The awaitable a read call returns. `co_await` it for the bytes.
/// When the buffer already satisfies the call (or it fails at once) it completes inside
/// co_await without suspending, without allocating and without passing through the loop.
/// Otherwise the current task waits on the reader's waiter future; each time it completes
/// the call is retried right here (no coroutine frame of its own), waiting again if the
/// data is still not enough.
class [[nodiscard]] ReadOperation final : private detail::WakeStep {
 public:
  /// Builds the request in place (ReadRequest's arguments): a moved SeparatorList would be
  /// copied byte-wise and read back at once, which stalls store forwarding on every call.
  template <class... RequestArgs>
  explicit ReadOperation(StreamReader& reader, RequestArgs&&... request)
      : reader_(&reader), request_(std::forward<RequestArgs>(request)...) {}
  ReadOperation(ReadOperation&&) = default;
  ReadOperation& operator=(ReadOperation&&) = delete;
  /// Withdraws a wait that never completed (the awaiting coroutine was destroyed).
  ~ReadOperation() {
    if (waiting_) withdraw();
  }

  bool await_ready();
  bool await_suspend(std::coroutine_handle<> awaiting);
  std::string await_resume();

 private:
  // CPython's _wait_for_data: a new waiter on the reader, the task suspended on it.
  void wait();
  // The waiter completed: CPython's loop body after `await self._wait_for_data(...)`.
  void wake() noexcept override;
  void withdraw() noexcept;

  StreamReader* reader_;
  detail::ReadRequest request_;
  std::string value_;  // the result
  // Or the error, on the heap: errors are rare, and ~exception_ptr is an out-of-line call in
  // libstdc++ 12 that every read would pay.
  std::unique_ptr<std::exception_ptr> error_;
  struct Waiting {
    std::shared_ptr<detail::FutureState<void>> waiter;
    std::shared_ptr<detail::FutureBase> task;  // held alive while it waits
  };
  std::optional<Waiting> waiting_;  // one flag for the read that never waits to check
  std::coroutine_handle<> awaiting_;
  Task<std::string> read_all_;  // read(-1) runs as a coroutine
};

/// The awaitable of StreamReader::next_line(): a line, or nullopt at EOF.
class [[nodiscard]] NextLineOperation {
 public:
  explicit NextLineOperation(StreamReader& reader) : readline_(reader, detail::ReadRequest::Kind::readline, "\n") {}
  bool await_ready() { return readline_.await_ready(); }
  bool await_suspend(std::coroutine_handle<> awaiting) { return readline_.await_suspend(awaiting); }
  std::optional<std::string> await_resume() {
    std::string line = readline_.await_resume();
    if (line.empty()) return std::nullopt;
    return line;
  }

 private:
  ReadOperation readline_;
};

/// A buffer of received bytes with asyncio's read API. The protocol (or a test) feeds it
/// with feed_data/feed_eof/set_exception; coroutines read from it. Only one coroutine may
/// wait on it at a time. Bytes are std::string (binary-safe).
///
/// The limit bounds readline/readuntil: a line or chunk before a separator longer than
/// `limit` raises (LimitOverrunError from readuntil, leaving the buffer intact; ValueError
/// from readline, discarding the line). With a transport set, reading is paused once more
/// than 2*limit bytes are buffered and resumed once a read leaves at most `limit`, or
/// whenever a read must wait.
///
/// Cancelling a pending readline/readuntil/readexactly/read(n) consumes nothing. A
/// cancelled read(-1) loses the blocks it had collected (as in CPython).
class StreamReader {
 public:
  static constexpr std::int64_t default_limit = 1 << 16;

  /// Throws ValueError("Limit cannot be <= 0").
  explicit StreamReader(std::int64_t limit = default_limit);
  StreamReader(const StreamReader&) = delete;
  StreamReader& operator=(const StreamReader&) = delete;

  /// Appends bytes and wakes a waiting reader. Empty data wakes no one.
  /// Throws AssertionError("feed_data after feed_eof"), even for empty data.
  void feed_data(std::string_view data);
  /// The same, adopting the string's storage when nothing is buffered (no copy): what a
  /// transport does with the buffer it just read into.
  template <class S>
  requires std::same_as<S, std::string>  // rvalue std::string only; literals take the view
  void feed_data(S&& data) { feed_owned(std::move(data)); }
  /// Marks EOF and wakes a waiting reader. Idempotent.
  void feed_eof();
  /// Stores `error`: every later read throws this same exception, even with data still
  /// buffered. A waiting reader gets it at once.
  void set_exception(std::exception_ptr error);
  template <class E>
  void set_exception(E error) {
    set_exception(std::make_exception_ptr(std::move(error)));
  }
  /// The stored exception, or nullptr.
  std::exception_ptr exception() const noexcept { return exception_; }
  /// True once feed_eof() was called and the buffer is empty.
  bool at_eof() const noexcept { return eof_ && buffer_.empty(); }
  /// Gives the reader the transport to pause and resume. Throws AssertionError
  /// ("Transport already set") the second time.
  void set_transport(std::shared_ptr<ReadTransport> transport);

  /// read(n): n > 0 returns up to n bytes, waiting only while the buffer is empty (b"" means
  /// EOF); n == 0 returns "" at once; n < 0 reads until EOF (in limit-sized blocks, so a
  /// paused transport is resumed). Throws the stored exception first, even for n == 0.
  ReadOperation read(std::int64_t n = -1);
  /// One line including "\n"; at EOF the final partial line, or "" when nothing is left.
  /// A line longer than the limit throws ValueError and is discarded (the whole buffer if
  /// no "\n" has arrived yet).
  ReadOperation readline();
  /// Bytes up to and including `separator`. Throws ValueError for an empty separator,
  /// IncompleteReadError (expected() == nullopt) at EOF, LimitOverrunError when the limit is
  /// exceeded (data stays buffered).
  ReadOperation readuntil(std::string_view separator = "\n");
  /// Several separators (Python's tuple, 3.13): the shortest result that ends with any of
  /// them; on a tie the shorter separator wins. Throws ValueError for an empty list or an
  /// empty separator.
  ReadOperation readuntil(std::vector<std::string> separators);
  ReadOperation readuntil(std::initializer_list<std::string_view> separators);
  /// Exactly n bytes. Throws ValueError for n < 0 (before the stored exception) and
  /// IncompleteReadError(partial, n) at EOF, after which the buffer is empty.
  ReadOperation readexactly(std::int64_t n);
  /// asyncio's `async for line in reader`:
  ///   while (auto line = co_await reader.next_line()) { ... }
  /// Ends (nullopt) at EOF; a limit overrun or stored exception propagates.
  NextLineOperation next_line() { return NextLineOperation(*this); }

  std::int64_t limit() const noexcept { return limit_; }
  /// Bytes buffered and not yet read.
  std::size_t buffered() const noexcept { return buffer_.size(); }
  std::string_view buffered_view() const noexcept { return buffer_.view(); }
  bool reading_paused() const noexcept { return paused_; }
  /// CPython's repr, e.g. "<StreamReader 4 bytes eof limit=123>".
  std::string repr() const;

 private:
  friend class ReadOperation;

  // One attempt at the request without waiting: true with the result in `out`, or false
  // if it must wait. `first` runs the checks CPython makes once at the start of the call.
  bool attempt(detail::ReadRequest& request, bool first, std::string& out);
  bool attempt_readuntil(detail::ReadRequest& request, std::string& out);
  bool attempt_readline(detail::ReadRequest& request, bool first, std::string& out);
  // readline's handling of readuntil's errors: the partial line at EOF, or the overrun
  // turned into ValueError after discarding the line.
  std::string readline_recover(std::exception_ptr error);
  bool attempt_readexactly(detail::ReadRequest& request, std::string& out);
  bool attempt_read(detail::ReadRequest& request, std::string& out);
  template <class Bytes>
  void feed(Bytes&& data);
  void feed_owned(std::string&& data);
  void check_start(const detail::ReadRequest& request) const;

  // read(-1): a coroutine of read(limit) calls.
  Task<std::string> read_all();
  // CPython's _wait_for_data up to the await: checks and returns the new waiter.
  Future<void> begin_wait(detail::ReadRequest::Kind kind);
  void wakeup_waiter();
  void maybe_resume_transport();

  std::int64_t limit_;
  detail::ByteBuffer buffer_;
  bool eof_ = false;
  bool paused_ = false;
  std::exception_ptr exception_;
  std::shared_ptr<detail::FutureState<void>> waiter_;  // CPython's _waiter
  std::shared_ptr<ReadTransport> transport_;
};

}  // namespace aiostreams
