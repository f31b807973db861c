// The hand-written Asio baseline for bench/reader_bench.cpp: the same workloads (same
// bytes), read the way one writes it with standalone Asio, over an in-memory SyncReadStream
// whose read_some copies as much as the caller's buffer takes (so each read_some is one
// memcpy: no syscall, no loop). Each line or frame becomes a std::string, as in aiostreams.
//
// Two variants per workload; bench/run_reader_bench.py compares against the faster one:
//   string    : asio::dynamic_buffer(std::string) + read_until, extract, consume (erase);
//               frames with asio::read(transfer_exactly) straight into the header/payload.
//   streambuf : asio::streambuf + read_until, extract from data(), consume (O(1));
//               frames buffered: asio::read(transfer_at_least) into the streambuf.
#include <benchmark/benchmark.h>
#include "reader_workload_data.hpp"

#include <asio/buffer.hpp>
#include <asio/completion_condition.hpp>
#include <asio/error.hpp>
#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace aiostreams_bench;

// ---- an in-memory SyncReadStream ---------------------------------------------------------------

class MemoryStream {
 public:
  explicit MemoryStream(std::string_view data) : data_(data) {}

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers, asio::error_code& ec) {
    if (pos_ == data_.size()) {
      ec = asio::error::eof;
      return 0;
    }
    ec = {};
    const std::size_t n = asio::buffer_copy(buffers, asio::buffer(data_.data() + pos_, data_.size() - pos_));
    pos_ += n;
    return n;
  }

  template <class MutableBufferSequence>
  std::size_t read_some(const MutableBufferSequence& buffers) {
    asio::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) throw asio::system_error(ec);
    return n;
  }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
};

struct Counts {
  std::int64_t items = 0;
  std::int64_t bytes = 0;
};

// ---- delimiter workloads ----------------------------------------------------------------------

template <class Delim>
Counts read_delimited_string(std::string_view data, Delim delim) {
  MemoryStream stream(data);
  std::string storage;
  auto buffer = asio::dynamic_buffer(storage);
  Counts counts;
  for (;;) {
    asio::error_code ec;
    const std::size_t n = asio::read_until(stream, buffer, delim, ec);
    if (ec) break;  // eof: every line ends with the delimiter
    std::string line = storage.substr(0, n);
    buffer.consume(n);
    ++counts.items;
    counts.bytes += static_cast<std::int64_t>(line.size());
    benchmark::DoNotOptimize(line.data());
  }
  return counts;
}

template <class Delim>
Counts read_delimited_streambuf(std::string_view data, Delim delim) {
  MemoryStream stream(data);
  asio::streambuf buffer;
  Counts counts;
  for (;;) {
    asio::error_code ec;
    const std::size_t n = asio::read_until(stream, buffer, delim, ec);
    if (ec) break;
    std::string line(static_cast<const char*>(buffer.data().data()), n);
    buffer.consume(n);
    ++counts.items;
    counts.bytes += static_cast<std::int64_t>(line.size());
    benchmark::DoNotOptimize(line.data());
  }
  return counts;
}

// ---- length-prefixed frames ---------------------------------------------------------------------

std::int64_t frame_length(const unsigned char* h) {
  return (std::int64_t{h[0]} << 24) | (std::int64_t{h[1]} << 16) | (std::int64_t{h[2]} << 8) | h[3];
}

Counts read_frames_exactly(std::string_view data) {
  MemoryStream stream(data);
  Counts counts;
  for (;;) {
    unsigned char header[4];
    asio::error_code ec;
    asio::read(stream, asio::buffer(header), asio::transfer_exactly(4), ec);
    if (ec) break;
    std::string payload(static_cast<std::size_t>(frame_length(header)), '\0');
    asio::read(stream, asio::buffer(payload), asio::transfer_exactly(payload.size()), ec);
    if (ec) break;
    ++counts.items;
    counts.bytes += 4 + static_cast<std::int64_t>(payload.size());
    benchmark::DoNotOptimize(payload.data());
  }
  return counts;
}

Counts read_frames_streambuf(std::string_view data) {
  MemoryStream stream(data);
  asio::streambuf buffer;
  Counts counts;
  auto fill = [&](std::size_t need) {
    asio::error_code ec;
    if (buffer.size() < need) asio::read(stream, buffer, asio::transfer_at_least(need - buffer.size()), ec);
    return buffer.size() >= need;
  };
  for (;;) {
    if (!fill(4)) break;
    const auto len = static_cast<std::size_t>(frame_length(static_cast<const unsigned char*>(buffer.data().data())));
    buffer.consume(4);
    if (!fill(len)) break;
    std::string payload(static_cast<const char*>(buffer.data().data()), len);
    buffer.consume(len);
    ++counts.items;
    counts.bytes += 4 + static_cast<std::int64_t>(payload.size());
    benchmark::DoNotOptimize(payload.data());
  }
  return counts;
}

// ---- benchmarks ------------------------------------------------------------------------------------

template <class Body>
void run(benchmark::State& state, const std::string& data, Body body) {
  Counts counts;
  for (auto _ : state) {
    counts = body(std::string_view(data));
    benchmark::DoNotOptimize(counts);
  }
  if (counts.bytes != static_cast<std::int64_t>(data.size())) {
    state.SkipWithError("did not read every byte");
    return;
  }
  state.SetItemsProcessed(state.iterations() * counts.items);
  state.SetBytesProcessed(state.iterations() * counts.bytes);
  state.counters["items_per_iter"] = static_cast<double>(counts.items);
}

auto lf_string = [](std::string_view d) { return read_delimited_string(d, '\n'); };
auto lf_streambuf = [](std::string_view d) { return read_delimited_streambuf(d, '\n'); };
auto crlf_string = [](std::string_view d) { return read_delimited_string(d, std::string_view("\r\n")); };
auto crlf_streambuf = [](std::string_view d) { return read_delimited_streambuf(d, std::string_view("\r\n")); };

void BM_readline_10B_string(benchmark::State& s) { run(s, lines10(), lf_string); }
void BM_readline_10B_streambuf(benchmark::State& s) { run(s, lines10(), lf_streambuf); }
void BM_readline_100B_string(benchmark::State& s) { run(s, lines100(), lf_string); }
void BM_readline_100B_streambuf(benchmark::State& s) { run(s, lines100(), lf_streambuf); }
void BM_readline_1MiB_string(benchmark::State& s) { run(s, lines1m(), lf_string); }
void BM_readline_1MiB_streambuf(benchmark::State& s) { run(s, lines1m(), lf_streambuf); }
void BM_readuntil_crlf_http_string(benchmark::State& s) { run(s, http_headers(), crlf_string); }
void BM_readuntil_crlf_http_streambuf(benchmark::State& s) { run(s, http_headers(), crlf_streambuf); }
void BM_readexactly_frames_100B_string(benchmark::State& s) { run(s, frames100(), read_frames_exactly); }
void BM_readexactly_frames_100B_streambuf(benchmark::State& s) { run(s, frames100(), read_frames_streambuf); }

}  // namespace

BENCHMARK(BM_readline_10B_string)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_readline_10B_streambuf)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_readline_100B_string)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_readline_100B_streambuf)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_readline_1MiB_string)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_readline_1MiB_streambuf)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_readuntil_crlf_http_string)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_readuntil_crlf_http_streambuf)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_readexactly_frames_100B_string)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_readexactly_frames_100B_streambuf)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();
