// StreamReader throughput: readline, readuntil("\r\n") and length-prefixed readexactly over
// data that is already buffered, plus one long line fed a byte at a time (the resumable
// search must keep that linear). Each iteration builds a fresh reader, feeds it the whole
// workload, feeds EOF and runs one task on a SimLoop that reads everything; the timing
// covers the feeding, the loop and the reads.
#include <benchmark/benchmark.h>
#include "reader_workload_data.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aiostreams/run_until_complete.hpp"
#include "aiostreams/sim/sim_loop.hpp"
#include "aiostreams/sleep.hpp"
#include "aiostreams/stream_reader.hpp"
#include "aiostreams/task.hpp"

namespace {

using aiostreams::StreamReader;
using aiostreams::Task;

using namespace aiostreams_bench;

// ---- the reading tasks -------------------------------------------------------------------

struct Counts {
  std::int64_t items = 0;
  std::int64_t bytes = 0;
};

Task<Counts> read_lines(StreamReader& reader) {
  Counts counts;
  for (;;) {
    std::string line = co_await reader.readline();
    if (line.empty()) break;
    ++counts.items;
    counts.bytes += static_cast<std::int64_t>(line.size());
  }
  co_return counts;
}

Task<Counts> read_crlf(StreamReader& reader) {
  Counts counts;
  while (!reader.at_eof()) {
    std::string line = co_await reader.readuntil("\r\n");
    ++counts.items;
    counts.bytes += static_cast<std::int64_t>(line.size());
  }
  co_return counts;
}

Task<Counts> read_frames(StreamReader& reader) {
  Counts counts;
  while (!reader.at_eof()) {
    const std::string header = co_await reader.readexactly(4);
    const auto* h = reinterpret_cast<const unsigned char*>(header.data());
    const std::int64_t len = (std::int64_t{h[0]} << 24) | (std::int64_t{h[1]} << 16) | (std::int64_t{h[2]} << 8) | h[3];
    std::string payload = co_await reader.readexactly(len);
    ++counts.items;
    counts.bytes += 4 + static_cast<std::int64_t>(payload.size());
  }
  co_return counts;
}

using Reader = Task<Counts> (*)(StreamReader&);

void run_prefed(benchmark::State& state, const std::string& data, Reader body, std::int64_t limit) {
  Counts counts;
  for (auto _ : state) {
    // The bytes arrive in a buffer of their own, as from a transport's read; CPython's side
    // likewise starts from an existing bytes object. Our feed_data adopts such a buffer
    // (CPython's copies it into its bytearray), so making it is not part of the timing.
    state.PauseTiming();
    std::string arrived = data;
    state.ResumeTiming();
    aiostreams::sim::SimLoop loop;
    StreamReader reader(limit);
    reader.feed_data(std::move(arrived));
    reader.feed_eof();
    counts = aiostreams::run(loop, body(reader));
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

void BM_readline_10B(benchmark::State& state) { run_prefed(state, lines10(), read_lines, StreamReader::default_limit); }
void BM_readline_100B(benchmark::State& state) {
  run_prefed(state, lines100(), read_lines, StreamReader::default_limit);
}
void BM_readline_1MiB(benchmark::State& state) { run_prefed(state, lines1m(), read_lines, std::int64_t{1} << 24); }
void BM_readuntil_crlf_http(benchmark::State& state) {
  run_prefed(state, http_headers(), read_crlf, StreamReader::default_limit);
}
void BM_readexactly_frames_100B(benchmark::State& state) {
  run_prefed(state, frames100(), read_frames, StreamReader::default_limit);
}

// ---- one line fed a byte at a time ------------------------------------------------------------

Task<void> feed_bytewise(StreamReader& reader, std::size_t size) {
  const char byte[2] = {'x', '\n'};
  for (std::size_t i = 0; i + 1 < size; ++i) {
    reader.feed_data(std::string_view(byte, 1));
    co_await aiostreams::yield_now();
  }
  reader.feed_data(std::string_view(byte + 1, 1));
  co_return;
}

Task<std::int64_t> read_bytewise_line(StreamReader& reader, std::size_t size) {
  auto feeder = aiostreams::create_task(feed_bytewise(reader, size));
  std::string line = co_await reader.readuntil("\n");
  co_await feeder;
  co_return static_cast<std::int64_t>(line.size());
}

void BM_readuntil_bytewise(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  std::int64_t got = 0;
  for (auto _ : state) {
    aiostreams::sim::SimLoop loop;
    StreamReader reader(std::int64_t{1} << 25);
    got = aiostreams::run(loop, read_bytewise_line(reader, size));
    benchmark::DoNotOptimize(got);
  }
  if (got != static_cast<std::int64_t>(size)) {
    state.SkipWithError("wrong line length");
    return;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(size));  // bytes fed
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(size));
  // Nanoseconds per byte fed (items_per_second's inverse, kept as its own column).
  state.counters["ns_per_byte"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(size),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace

BENCHMARK(BM_readline_10B)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_readline_100B)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_readline_1MiB)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_readuntil_crlf_http)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_readexactly_frames_100B)->Unit(benchmark::kMillisecond)->UseRealTime();
// 64 KiB keeps the smoke test fast; 4 MiB vs 16 MiB is the linearity check.
BENCHMARK(BM_readuntil_bytewise)
    ->Arg(64 << 10)
    ->Arg(4 << 20)
    ->Arg(16 << 20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1)
    ->Repetitions(1);

BENCHMARK_MAIN();
