// The echo server and client both single-layer consumers run: only the streams API, so the
// same code serves the simulator (sim_only.cpp) and real sockets (asio_only.cpp).
#pragma once

#include <aiostreams/server.hpp>
#include <aiostreams/streams.hpp>
#include <aiostreams/task.hpp>

#include <memory>
#include <string>

namespace consumer {

inline aiostreams::Task<void> handle_echo(std::shared_ptr<aiostreams::StreamReader> reader,
                                          std::shared_ptr<aiostreams::StreamWriter> writer) {
  while (true) {
    const std::string line = co_await reader->readline();
    if (line.empty()) break;  // EOF
    writer->write(line);
    co_await writer->drain();
  }
  writer->close();
}

// Sends three lines to host:port and returns how many came back unchanged.
inline aiostreams::Task<int> echo_three_lines(std::string host, int port) {
  auto [reader, writer] = co_await aiostreams::open_connection(host, port);
  int echoed = 0;
  for (const std::string line : {"one\n", "two\n", "three\n"}) {
    writer->write(line);
    co_await writer->drain();
    echoed += co_await reader->readline() == line;
  }
  writer->close();
  co_await writer->wait_closed();
  co_return echoed;
}

}  // namespace consumer
