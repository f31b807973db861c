// The README's quick start: asyncio's StreamReader API in C++, run once on the
// deterministic simulator and once on the real Asio loop, unchanged.
#include <aiostreams/gather.hpp>
#include <aiostreams/run.hpp>
#include <aiostreams/sim/sim_loop.hpp>
#include <aiostreams/sleep.hpp>
#include <aiostreams/stream_reader.hpp>
#include <aiostreams/wait_for.hpp>
#include <cstdio>
#include <string>

using aiostreams::StreamReader;
using aiostreams::Task;

// A producer that trickles bytes in, as a network would.
Task<void> produce(StreamReader& reader) {
  for (const char* chunk : {"GET / HTTP/1.1\r\nHo", "st: example\r\n", "\r\nbody", "!"}) {
    co_await aiostreams::sleep(0.01);
    reader.feed_data(chunk);
  }
  reader.feed_eof();
}

// The consumer reads exactly as one would in Python.
Task<std::string> consume(StreamReader& reader) {
  std::string report;
  std::string request_line = co_await reader.readuntil("\r\n");
  report += "request line: " + request_line.substr(0, request_line.size() - 2) + "\n";
  while (true) {
    std::string header = co_await aiostreams::wait_for(reader.readuntil("\r\n"), 5.0);
    if (header == "\r\n") break;
    report += "header: " + header.substr(0, header.size() - 2) + "\n";
  }
  try {
    co_await reader.readexactly(100);
  } catch (const aiostreams::IncompleteReadError& e) {
    report += "body: " + e.partial() + " (" + e.what() + ")\n";
  }
  co_return report;
}

Task<std::string> session() {
  StreamReader reader;
  auto [ignored, report] = co_await aiostreams::gather(produce(reader), consume(reader));
  co_return report;
}

int main() {
  aiostreams::sim::SimLoop simulated(/*seed=*/1);
  const std::string on_sim = aiostreams::run(simulated, session());  // virtual time: instant
  const std::string on_asio = aiostreams::run(session());            // real time: ~40 ms
  std::fputs(on_sim.c_str(), stdout);
  std::printf("same on both loops: %s\n", on_sim == on_asio ? "yes" : "NO");
  return on_sim == on_asio ? 0 : 1;
}
