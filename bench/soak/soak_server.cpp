// soak_server: the server side of the soak suite on our Asio backend. It prints
// "port N" once listening and serves until stdin closes (the runner owns its lifetime).
//
//   soak_server lines [BACKLOG]  per line: "count\n" answers the number of live connections,
//                            anything else is echoed; every read is
//                            wait_for(readline(), 3600), as a server with a request timeout
//   soak_server sink DELAY   a slow reader: read(64 KiB), then sleep DELAY seconds; at EOF
//                            answers the byte count
#include <unistd.h>

#include <aiostreams/run.hpp>
#include <aiostreams/sleep.hpp>
#include <aiostreams/streams.hpp>
#include <aiostreams/wait_for.hpp>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace {
using aiostreams::StreamReader;
using aiostreams::StreamWriter;
using aiostreams::Task;
using ReaderPtr = std::shared_ptr<StreamReader>;
using WriterPtr = std::shared_ptr<StreamWriter>;

int live = 0;
double sink_delay = 0;
int backlog = 4096;

// Counts a connection while its handler runs.
struct Live {
  Live() { ++live; }
  ~Live() { --live; }
};

Task<void> lines_handler(ReaderPtr reader, WriterPtr writer) {
  Live counted;
  try {
    for (;;) {
      std::string line = co_await aiostreams::wait_for(reader->readline(), 3600);
      if (line.empty()) break;
      writer->write(line == "count\n" ? std::to_string(live) + "\n" : line);
      if (writer->transport()->get_write_buffer_size() > (1u << 16)) co_await writer->drain();
    }
  } catch (const std::exception&) {
    // a reset or a timeout ends this connection only
  }
  writer->close();
}

Task<void> sink_handler(ReaderPtr reader, WriterPtr writer) {
  Live counted;
  std::uint64_t total = 0;
  try {
    for (;;) {
      std::string data = co_await reader->read(1 << 16);
      if (data.empty()) break;
      total += data.size();
      co_await aiostreams::sleep(sink_delay);
    }
    writer->write(std::to_string(total) + "\n");
    co_await writer->drain();
  } catch (const std::exception&) {
  }
  writer->close();
}

Task<void> serve(bool sink) {
  const aiostreams::ServerOptions options{.backlog = backlog};
  auto server = co_await aiostreams::start_server(sink ? sink_handler : lines_handler, "127.0.0.1", 0, options);
  std::printf("port %d\n", server->sockets().front().port);
  std::fflush(stdout);
  // Ends when stdin closes: a thread blocks on it and raises a flag the loop polls.
  static std::atomic<bool> stdin_closed{false};
  std::thread([] {
    char byte;
    while (::read(0, &byte, 1) > 0) {
    }
    stdin_closed = true;
  }).detach();
  while (!stdin_closed) co_await aiostreams::sleep(0.1);
  server->close();
}
}  // namespace

int main(int argc, char** argv) {
  const std::string_view mode = argc > 1 ? argv[1] : "";
  if (mode != "lines" && mode != "sink") {
    std::fputs("usage: soak_server lines [BACKLOG] | sink DELAY\n", stderr);
    return 2;
  }
  if (mode == "sink") sink_delay = argc > 2 ? std::atof(argv[2]) : 0.001;
  if (mode == "lines" && argc > 2) backlog = std::atoi(argv[2]);
  aiostreams::run(serve(mode == "sink"));
  return 0;
}
